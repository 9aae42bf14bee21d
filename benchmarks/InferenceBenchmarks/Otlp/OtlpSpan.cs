namespace LlamaAspire.Benchmarks.Otlp;

/// <summary>One span as received over OTLP: identity, timing and the attributes the reports read.</summary>
internal sealed record OtlpSpan(
    string ServiceName,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyDictionary<string, string> Attributes)
{
    public TimeSpan Duration => End - Start;
}
