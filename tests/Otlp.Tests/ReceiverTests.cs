using System.Net;
using System.Text;

namespace LlamaAspire.Otlp.Tests;

/// <summary>The receiver's HTTP side with hand-made requests: OTLP/JSON, bad payloads, and the waits.</summary>
public sealed class ReceiverTests
{
    private const string TraceId = "5b8efff798038103d269b633813fc60c";

    [Fact]
    public async Task AnOtlpJsonExport_IsReadLikeProtobuf()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var http = new HttpClient();

        using var response = await http.PostAsync(receiver.HttpTracesEndpoint, new StringContent(SampleJson.Trace, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        var spans = await receiver.Spans.WaitForTraceAsync(TraceId, ["platform.init", "function.init"], TimeSpan.FromSeconds(5));
        var init = spans.SingleNamed("function.init");
        Assert.Equal(spans.SingleNamed("platform.init").SpanId, init.ParentSpanId);
        Assert.Equal(1_700_000_000_123_456_789UL, init.StartTimeUnixNano);
        Assert.Equal(250_000_001L, init.DurationNanos);
        Assert.Equal(42L, init.GetInt64("retries"));
        Assert.Equal("llama-jit", init.ServiceName);
    }

    [Fact]
    public async Task AMalformedExport_IsRefusedWith400_AndNothingIsStored()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var http = new HttpClient();
        using var body = new ByteArrayContent([0x0A, 0xFF, 0xFF, 0xFF]); // field 1, a length running past the end
        body.Headers.ContentType = new("application/x-protobuf");

        using var response = await http.PostAsync(receiver.HttpTracesEndpoint, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, receiver.Spans.Count);
    }

    [Fact]
    public async Task AnExportOfAnotherMediaType_IsRefusedWith415()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var http = new HttpClient();

        using var response = await http.PostAsync(receiver.HttpTracesEndpoint, new StringContent("spans", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task AWaitForSpansThatNeverCome_TimesOut_NamingWhatIsMissingAndWhatArrived()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        receiver.Spans.Add(OtlpJsonTraces.Read(SampleJson.Trace));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
            receiver.Spans.WaitForTraceAsync(TraceId, ["function.init", "decode"], TimeSpan.FromMilliseconds(200)));

        Assert.Contains("decode", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("function.init(", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWait_EndsAsSoonAsTheLastExpectedSpanArrives()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var wait = receiver.Spans.WaitForTraceAsync(TraceId, ["function.init"], TimeSpan.FromSeconds(30));
        Assert.False(wait.IsCompleted);

        using var http = new HttpClient();
        using var response = await http.PostAsync(receiver.HttpTracesEndpoint, new StringContent(SampleJson.Trace, Encoding.UTF8, "application/json"));

        var spans = await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, spans.Count);
    }
}
