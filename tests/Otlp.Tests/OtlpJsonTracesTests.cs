namespace LlamaAspire.Otlp.Tests;

/// <summary>The OTLP/JSON reader (what the Aspire dashboard's telemetry API answers).</summary>
public sealed class OtlpJsonTracesTests
{
    [Fact]
    public void Spans_AreReadWithEveryField()
    {
        var spans = OtlpJsonTraces.Read(SampleJson.Trace);

        var root = spans.SingleNamed("platform.init");
        var init = spans.SingleNamed("function.init");
        Assert.Equal("5b8efff798038103d269b633813fc60c", root.TraceId); // upper-case hex is normalised
        Assert.Null(root.ParentSpanId);
        Assert.Equal(OtlpSpanKind.Server, root.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), root.Duration);
        Assert.Equal(root.SpanId, init.ParentSpanId);
        Assert.Equal(OtlpSpanKind.Internal, init.Kind);
        Assert.Equal(0.5, init.GetDouble("ratio"));
        Assert.True(init.GetBoolean("cold"));
        Assert.Equal(["a", 2L], (IReadOnlyList<object>)init.Attributes["phases"]);
        Assert.False(init.Attributes.ContainsKey("empty"));
        Assert.Equal(new OtlpSpanStatus(OtlpStatusCode.Error, "boom"), init.Status);
        Assert.Equal("LlamaAspire.InferenceFunction", init.ScopeName);
        Assert.Equal("llama-jit", init.ServiceName);
    }

    [Fact]
    public void ResourceSpans_InsideAnEnvelope_AndEnumNames_AreRead()
    {
        const string json = """
            { "data": { "resourceSpans": [{ "scopeSpans": [{ "spans": [{
              "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
              "name": "platform.invoke", "kind": "SPAN_KIND_CLIENT", "status": { "code": "STATUS_CODE_OK" } }] }] }] } }
            """;

        var span = Assert.Single(OtlpJsonTraces.Read(json));

        Assert.Equal(OtlpSpanKind.Client, span.Kind);
        Assert.Equal(OtlpStatusCode.Ok, span.Status.Code);
        Assert.Null(span.ServiceName);
    }

    [Fact]
    public void NullsForAbsentFields_AreReadAsAbsent()
    {
        const string json = """
            { "resourceSpans": [{ "resource": null, "scopeSpans": [{ "scope": null, "spans": [{
              "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "parentSpanId": null,
              "name": "platform.invoke", "kind": null, "startTimeUnixNano": null, "status": null,
              "attributes": [{ "key": "k", "value": { "stringValue": null, "boolValue": false } }] }] }] }] }
            """;

        var span = Assert.Single(OtlpJsonTraces.Read(json));

        Assert.True(span.IsRoot);
        Assert.Equal(OtlpSpanKind.Unspecified, span.Kind);
        Assert.Equal(0UL, span.StartTimeUnixNano);
        Assert.Equal(default, span.Status);
        Assert.False(span.GetBoolean("k"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{ "resourceSpans": [{ "scopeSpans": [{ "spans": [{ "traceId": "xyz", "spanId": "00", "name": "n" }] }] }] }""")]
    public void Malformed_IsAnInvalidDataException(string json) =>
        Assert.Throws<InvalidDataException>(() => OtlpJsonTraces.Read(json));
}
