namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The server-sent events a streamed response is made of.</summary>
public sealed class ResponseWriterTests
{
    [Fact]
    public void Sse_events_are_utf8_json_lines()
    {
        var delta = System.Text.Encoding.UTF8.GetString(LlamaAspire.InferenceFunction.Requests.ResponseWriter.DeltaEvent("né \"x\"\n<b>"));
        Assert.Equal("data: {\"text\":\"né \\\"x\\\"\\n<b>\"}\n\n", delta);
        Assert.Equal("data: [DONE]\n\n", System.Text.Encoding.UTF8.GetString(LlamaAspire.InferenceFunction.Requests.ResponseWriter.DoneEvent));
    }
}
