using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LlamaAspire.InferenceFunction.Requests;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.InferenceFunction.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class HandlerTests(TinyModelFixture tiny)
{
    const string Arn = "arn:aws:lambda:us-east-1:123456789012:function:llama-test:live";

    static LambdaInvocation Invocation(string json, string? traceId = null, string requestId = "req-1") =>
        new(requestId, DateTimeOffset.UtcNow.AddMinutes(1), Arn, traceId, null, null, Encoding.UTF8.GetBytes(json));

    static JsonElement Json(LambdaResponse response)
    {
        var buffered = Assert.IsType<BufferedLambdaResponse>(response);
        Assert.Equal("application/json", buffered.ContentType);
        return JsonDocument.Parse(buffered.Body).RootElement.Clone();
    }

    internal static async Task<List<string>> StreamEvents(LambdaResponse response, bool http = false)
    {
        var streaming = Assert.IsType<StreamingLambdaResponse>(response);
        Assert.Equal(http ? "application/vnd.awslambda.http-integration-response" : "text/event-stream", streaming.ContentType);
        using var ms = new MemoryStream();
        await streaming.WriteAsync(ms, CancellationToken.None);
        var text = Encoding.UTF8.GetString(ms.ToArray());
        if (http)
        {
            int nul = text.IndexOf("\0\0\0\0\0\0\0\0", StringComparison.Ordinal);
            Assert.True(nul > 0, "no prelude");
            using var prelude = JsonDocument.Parse(text[..nul]);
            Assert.Equal(200, prelude.RootElement.GetProperty("statusCode").GetInt32());
            Assert.Equal("text/event-stream", prelude.RootElement.GetProperty("headers").GetProperty("content-type").GetString());
            text = text[(nul + 8)..];
        }
        Assert.EndsWith("data: [DONE]\n\n", text);
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => { Assert.StartsWith("data: ", e); return e[6..]; })];
    }

    [Fact]
    public async Task Buffered_answer_has_text_finish_reason_usage_and_timings()
    {
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        var first = Json(await handler.InvokeAsync(Invocation("""{"prompt":"Hello","max_tokens":8}"""), default));
        Assert.Equal(JsonValueKind.String, first.GetProperty("text").ValueKind);
        Assert.Contains(first.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        var usage = first.GetProperty("usage");
        int prompt = usage.GetProperty("prompt_tokens").GetInt32(), completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());
        Assert.InRange(completion, 1, 8);
        var timings = first.GetProperty("timings");
        foreach (var name in (string[])["prefill_ms", "decode_ms", "decode_tokens_per_second", "time_to_first_token_ms"])
        {
            Assert.True(timings.GetProperty(name).GetDouble() >= 0, name);
        }

        Assert.True(timings.GetProperty("cold_start").GetBoolean());

        var second = Json(await handler.InvokeAsync(Invocation("""{"prompt":"Hello","max_tokens":8}"""), default));
        Assert.False(second.GetProperty("timings").GetProperty("cold_start").GetBoolean());
        Assert.Equal(first.GetProperty("text").GetString(), second.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Chat_request_answers()
    {
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        var r = Json(await handler.InvokeAsync(Invocation("""{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":5}"""), default));
        Assert.True(r.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 10);
    }

    [Fact]
    public async Task Api_gateway_event_gets_an_api_gateway_response()
    {
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        var body = JsonSerializer.Serialize("""{"prompt":"Hello","max_tokens":4}""");
        var evt = $$$"""{"version":"2.0","routeKey":"$default","rawPath":"/","headers":{},"requestContext":{"http":{"method":"POST"}},"body":{{{body}}},"isBase64Encoded":false}""";
        var r = Json(await handler.InvokeAsync(Invocation(evt), default));
        Assert.Equal(200, r.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/json", r.GetProperty("headers").GetProperty("content-type").GetString());
        Assert.False(r.GetProperty("isBase64Encoded").GetBoolean());
        var inner = JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement;
        Assert.True(inner.TryGetProperty("text", out _));
        Assert.True(inner.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task Streaming_events_concatenate_to_the_buffered_text()
    {
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        var buffered = Json(await handler.InvokeAsync(Invocation("""{"prompt":"Stream please","max_tokens":20}"""), default));
        var events = await StreamEvents(await handler.InvokeAsync(Invocation("""{"prompt":"Stream please","max_tokens":20,"stream":true}"""), default));
        Assert.Equal("[DONE]", events[^1]);
        var final = JsonDocument.Parse(events[^2]).RootElement;
        Assert.Equal(buffered.GetProperty("finish_reason").GetString(), final.GetProperty("finish_reason").GetString());
        Assert.Equal(buffered.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), final.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.False(final.TryGetProperty("text", out _));
        var deltas = events[..^2].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("text").GetString()).ToList();
        Assert.True(deltas.Count > 1);
        Assert.Equal(buffered.GetProperty("text").GetString(), string.Concat(deltas));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("""{"prompt":""}""", "'prompt' is empty")]
    [InlineData("""{"prompt":"x","max_tokens":0}""", "'max_tokens' must be between 1 and 512 (got 0)")]
    [InlineData("""{"messages":[{"role":"robot","content":"x"}]}""", "got 'robot'")]
    public async Task Bad_input_is_an_invalid_request_and_the_handler_keeps_serving(string json, string expected)
    {
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        var ex = await Assert.ThrowsAsync<LambdaFunctionException>(() => handler.InvokeAsync(Invocation(json), default));
        Assert.Equal("InvalidRequest", ex.ErrorType);
        Assert.Contains(expected, ex.Message);
        var ok = Json(await handler.InvokeAsync(Invocation("""{"prompt":"still here","max_tokens":2}"""), default));
        Assert.True(ok.GetProperty("usage").GetProperty("completion_tokens").GetInt32() >= 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Generation_stops_before_the_deadline_with_finish_reason_timeout(bool stream)
    {
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory); // deadline margin: 300 ms
        var json = $$"""{"prompt":"Keep going","max_tokens":500,"temperature":1,"stream":{{(stream ? "true" : "false")}}}""";
        var invocation = Invocation(json) with { Deadline = DateTimeOffset.UtcNow.AddMilliseconds(400) };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var response = await handler.InvokeAsync(invocation, default);
        JsonElement answer;
        if (stream)
        {
            var events = await StreamEvents(response);
            answer = JsonDocument.Parse(events[^2]).RootElement;
        }
        else
        {
            answer = Json(response);
        }

        Assert.True(sw.ElapsedMilliseconds < 10_000, $"{sw.ElapsedMilliseconds} ms");
        Assert.Equal("timeout", answer.GetProperty("finish_reason").GetString());
        Assert.True(answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32() < 500);
    }

    [Fact]
    public async Task Prompt_longer_than_the_context_is_an_invalid_request()
    {
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        var prompt = string.Join(" ", Enumerable.Repeat("word", 600));
        var ex = await Assert.ThrowsAsync<LambdaFunctionException>(() => handler.InvokeAsync(Invocation($$"""{"prompt":"{{prompt}}"}"""), default));
        Assert.Equal("InvalidRequest", ex.ErrorType);
        Assert.Matches(@"The prompt is \d+ tokens; the context holds 512", ex.Message);
    }

    [Fact]
    public async Task Invoke_span_carries_faas_attributes_and_nests_prefill_and_decode()
    {
        const string traceId = "5759e988bd862e3fe1be46a994272793";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FunctionTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.TraceId.ToHexString() == traceId) { spans.Enqueue(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        await handler.InvokeAsync(Invocation("""{"prompt":"trace me","max_tokens":4}""", $"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "req-span"), default);

        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal("llama-test", server.DisplayName);
        Assert.Equal("53995c3f42cd8ad8", server.ParentSpanId.ToHexString());
        Assert.Equal("req-span", server.GetTagItem("faas.invocation_id"));
        Assert.Equal(true, server.GetTagItem("faas.coldstart"));
        Assert.Equal("other", server.GetTagItem("faas.trigger"));
        Assert.Equal("llama-test", server.GetTagItem("faas.name"));
        Assert.Equal("aws", server.GetTagItem("cloud.provider"));
        Assert.Equal("us-east-1", server.GetTagItem("cloud.region"));
        Assert.Equal("123456789012", server.GetTagItem("cloud.account.id"));
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:llama-test", server.GetTagItem("cloud.resource_id"));
        var prefill = Assert.Single(spans, s => s.DisplayName == "prefill");
        var decode = Assert.Single(spans, s => s.DisplayName == "decode");
        Assert.Equal(server.SpanId, prefill.ParentSpanId);
        Assert.Equal(server.SpanId, decode.ParentSpanId);
        Assert.NotNull(prefill.GetTagItem("llm.prompt_tokens"));
        Assert.NotNull(decode.GetTagItem("llm.completion_tokens"));
    }

    [Fact]
    public async Task Streaming_invoke_span_parents_on_the_http_traceparent()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FunctionTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.TraceId.ToHexString() == traceId) { spans.Enqueue(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var handler = TinyModelFixture.Handler(tiny.OnnxDirectory);
        var body = JsonSerializer.Serialize("""{"prompt":"Hello","max_tokens":4,"stream":true}""");
        var evt = $$$"""{"version":"2.0","rawPath":"/","headers":{"traceparent":"00-{{{traceId}}}-b7ad6b7169203331-01"},"requestContext":{},"body":{{{body}}}}""";
        await StreamEvents(await handler.InvokeAsync(Invocation(evt), default), http: true);
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal("http", server.GetTagItem("faas.trigger"));
        Assert.Equal("b7ad6b7169203331", server.ParentSpanId.ToHexString());
        Assert.Contains(spans, s => s.DisplayName == "decode" && s.ParentSpanId == server.SpanId);
    }
}
