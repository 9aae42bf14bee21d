using System.Globalization;

namespace LlamaAspire.Otlp;

/// <summary>
/// One span as an OTLP exporter sent it: identity and parent link, name and kind, exact start and end times, its own
/// attributes and status, and the attributes of the resource (process) that emitted it.
/// </summary>
/// <remarks>
/// Ids are lower-case hex, as OTLP/JSON and <c>ActivityTraceId.ToHexString()</c> spell them. Attribute values are
/// <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, byte arrays, or for
/// arrays and maps <see cref="IReadOnlyList{T}"/> of <see cref="object"/> and <see cref="IReadOnlyDictionary{TKey, TValue}"/>
/// of <see cref="string"/> to <see cref="object"/>; a key sent without a value is left out. Events and links are not modelled.
/// </remarks>
public sealed record OtlpSpan
{
    private static readonly IReadOnlyDictionary<string, object> NoAttributes = new Dictionary<string, object>();

    /// <summary>The 16-byte trace id, as 32 lower-case hex digits.</summary>
    public required string TraceId { get; init; }

    /// <summary>The 8-byte span id, as 16 lower-case hex digits.</summary>
    public required string SpanId { get; init; }

    /// <summary>The parent's span id, or null for a root span (OTLP sends an empty id for "no parent").</summary>
    public string? ParentSpanId { get; init; }

    /// <summary>The span's name.</summary>
    public required string Name { get; init; }

    /// <summary>The span's kind.</summary>
    public OtlpSpanKind Kind { get; init; }

    /// <summary>Start time in nanoseconds since the Unix epoch, exactly as sent.</summary>
    public ulong StartTimeUnixNano { get; init; }

    /// <summary>End time in nanoseconds since the Unix epoch, exactly as sent.</summary>
    public ulong EndTimeUnixNano { get; init; }

    /// <summary>The span's own attributes.</summary>
    public IReadOnlyDictionary<string, object> Attributes { get; init; } = NoAttributes;

    /// <summary>The span's status.</summary>
    public OtlpSpanStatus Status { get; init; }

    /// <summary>The attributes of the resource that emitted the span (<c>service.name</c>, <c>faas.*</c>, ...).</summary>
    public IReadOnlyDictionary<string, object> ResourceAttributes { get; init; } = NoAttributes;

    /// <summary>The instrumentation scope (for .NET: the <c>ActivitySource</c> name), or null when none was sent.</summary>
    public string? ScopeName { get; init; }

    /// <summary>The resource's <c>service.name</c>, or null when the resource has none.</summary>
    public string? ServiceName => ResourceAttributes.TryGetValue("service.name", out var name) ? name as string : null;

    /// <summary>True when the span has no parent.</summary>
    public bool IsRoot => ParentSpanId is null;

    /// <summary>The span's length in nanoseconds (negative only if an exporter sent an end before the start).</summary>
    public long DurationNanos => unchecked((long)(EndTimeUnixNano - StartTimeUnixNano));

    /// <summary>The span's length (to the 100 ns tick; <see cref="DurationNanos"/> is exact).</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(DurationNanos / 100);

    /// <summary>The start time (to the 100 ns tick; <see cref="StartTimeUnixNano"/> is exact).</summary>
    public DateTimeOffset Start => FromUnixNanos(StartTimeUnixNano);

    /// <summary>The end time (to the 100 ns tick; <see cref="EndTimeUnixNano"/> is exact).</summary>
    public DateTimeOffset End => FromUnixNanos(EndTimeUnixNano);

    /// <summary>A string attribute, or null when the span has no such attribute or it is not a string.</summary>
    public string? GetString(string key) => Attributes.TryGetValue(key, out var value) ? value as string : null;

    /// <summary>An integer attribute, or null when the span has no such attribute or it is not an integer.</summary>
    public long? GetInt64(string key) => Attributes.TryGetValue(key, out var value) && value is long number ? number : null;

    /// <summary>A floating-point attribute (integers widen), or null when there is no such numeric attribute.</summary>
    public double? GetDouble(string key) => Attributes.TryGetValue(key, out var value)
        ? value switch
        {
            double d => d,
            long l => l,
            _ => null,
        }
        : null;

    /// <summary>A boolean attribute, or null when the span has no such attribute or it is not a boolean.</summary>
    public bool? GetBoolean(string key) => Attributes.TryGetValue(key, out var value) && value is bool flag ? flag : null;

    /// <summary><c>name(spanId&lt;parentSpanId) 12.345 ms</c>: enough to read a trace in an assertion message.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}({SpanId}<{ParentSpanId}) {DurationNanos / 1e6:0.###} ms");

    private static DateTimeOffset FromUnixNanos(ulong nanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));
}
