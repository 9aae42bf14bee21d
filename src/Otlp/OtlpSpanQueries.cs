namespace LlamaAspire.Otlp;

/// <summary>Lookups over a set of spans (one trace, one service) by name and parent link.</summary>
public static class OtlpSpanQueries
{
    /// <summary>The one span with this name.</summary>
    /// <exception cref="InvalidOperationException">None or several have it; the message lists the spans.</exception>
    public static OtlpSpan SingleNamed(this IEnumerable<OtlpSpan> spans, string name)
    {
        var all = spans as IReadOnlyCollection<OtlpSpan> ?? [.. spans];
        var named = all.Where(s => s.Name == name).ToList();
        return named.Count == 1
            ? named[0]
            : throw new InvalidOperationException($"{named.Count} spans named '{name}' among: {all.Describe()}");
    }

    /// <summary>The spans whose parent is <paramref name="parent"/>, by start time.</summary>
    public static IReadOnlyList<OtlpSpan> ChildrenOf(this IEnumerable<OtlpSpan> spans, OtlpSpan parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return [.. spans.Where(s => s.ParentSpanId == parent.SpanId && s.TraceId == parent.TraceId).OrderBy(s => s.StartTimeUnixNano)];
    }

    /// <summary>The span this one nests under, or null when it is a root or its parent is not among <paramref name="spans"/>.</summary>
    public static OtlpSpan? ParentOf(this IEnumerable<OtlpSpan> spans, OtlpSpan child)
    {
        ArgumentNullException.ThrowIfNull(child);
        return child.ParentSpanId is null ? null : spans.FirstOrDefault(s => s.SpanId == child.ParentSpanId && s.TraceId == child.TraceId);
    }

    /// <summary>Every span as <c>name(spanId&lt;parentSpanId) duration</c>, comma-separated: for assertion and timeout messages.</summary>
    public static string Describe(this IEnumerable<OtlpSpan> spans) => string.Join(", ", spans);
}
