using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts.EventStream;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>InvokeWithResponseStream: event-stream frames as the function streams, then InvokeComplete.</summary>
public sealed class ResponseStreamInvokeTests
{
    private const string Path = "/2021-11-15/functions/fn/response-streaming-invocations";

    private static async Task<(HttpResponseMessage Response, List<(EventStreamMessage Message, double AtMs)> Events)> InvokeAsync(EmulatorHost host, string payload, bool tail = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (tail)
        {
            request.Headers.Add("X-Amz-Log-Type", "Tail");
        }

        var clock = Stopwatch.StartNew();
        var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<(EventStreamMessage, double)>();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response, events);
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int n;
        while ((n = await body.ReadAsync(chunk)) > 0)
        {
            buffer.AddRange(chunk.AsSpan(0, n));
            while (EventStreamCodec.TryDecode(buffer.ToArray(), out var message, out var consumed))
            {
                events.Add((message!, clock.Elapsed.TotalMilliseconds));
                buffer.RemoveRange(0, consumed);
            }
        }

        Assert.Empty(buffer); // every byte was part of a whole frame with both CRCs right
        return (response, events);
    }

    [Fact]
    public async Task StreamedResponse_ArrivesAsPayloadChunksAsWritten_ThenInvokeCompleteWithTheLogTail()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        var (response, events) = await InvokeAsync(host, """{"action":"stream","chunks":3,"delayMs":400}""", tail: true);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("$LATEST", response.Headers.GetValues("X-Amz-Executed-Version").Single());
        }

        var chunks = events.Where(e => e.Message.EventType == ResponseStreamEvents.PayloadChunk).ToList();
        Assert.Equal("chunk 0\nchunk 1\nchunk 2\n", string.Concat(chunks.Select(c => Encoding.UTF8.GetString(c.Message.Payload.Span))));
        Assert.True(chunks.Count >= 3, $"{chunks.Count} chunks");
        // Streamed, not buffered: the last chunk came at least two delays after the first.
        Assert.True(chunks[^1].AtMs - chunks[0].AtMs >= 700, $"first at {chunks[0].AtMs:F0} ms, last at {chunks[^1].AtMs:F0} ms");

        var (complete, _) = events[^1];
        Assert.Equal(ResponseStreamEvents.InvokeComplete, complete.EventType);
        Assert.Equal("event", complete.Headers[":message-type"]);
        var json = JsonDocument.Parse(complete.Payload).RootElement;
        Assert.False(json.TryGetProperty("ErrorCode", out _));
        Assert.Contains("REPORT RequestId:", Encoding.UTF8.GetString(Convert.FromBase64String(json.GetProperty("LogResult").GetString()!)));
    }

    [Fact]
    public async Task BufferedResponse_IsOneChunk_AndAFunctionErrorIsReportedInInvokeComplete()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        var (ok, events) = await InvokeAsync(host, """{"action":"echo","x":1}""");
        ok.Dispose();
        Assert.Equal(2, events.Count);
        Assert.Contains("\"x\":1", Encoding.UTF8.GetString(events[0].Message.Payload.Span));
        Assert.Equal(ResponseStreamEvents.InvokeComplete, events[1].Message.EventType);

        var (failed, errorEvents) = await InvokeAsync(host, """{"action":"error","message":"boom"}""");
        failed.Dispose();
        var complete = JsonDocument.Parse(Assert.Single(errorEvents).Message.Payload).RootElement;
        Assert.False(string.IsNullOrEmpty(complete.GetProperty("ErrorCode").GetString()));
        Assert.Contains("boom", complete.GetProperty("ErrorDetails").GetString());
    }

    [Fact]
    public async Task BadRequests_AreTheInvokeApisErrors_AndEventIsRefused()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        using var missing = await host.Client.PostAsync("/2021-11-15/functions/nope/response-streaming-invocations", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var badJson = await host.Client.PostAsync(Path, new StringContent("{nope"));
        Assert.Equal("InvalidRequestContentException", badJson.Headers.GetValues("x-amzn-ErrorType").Single());
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("{}") };
        request.Headers.Add("X-Amz-Invocation-Type", "Event");
        using var eventType = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, eventType.StatusCode);
        Assert.Contains("[RequestResponse, DryRun]", await eventType.Content.ReadAsStringAsync());
    }
}
