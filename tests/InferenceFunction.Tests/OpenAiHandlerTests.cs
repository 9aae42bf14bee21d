using System.Text;
using System.Text.Json;
using LlamaAspire.InferenceFunction.Requests;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The OpenAI-compatible endpoint on the tiny model, as function URL events: answers, streams and errors in OpenAI's shapes.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class OpenAiHandlerTests(TinyModelFixture tiny)
{
    static readonly InitTimings Init = new(42.5, new Dictionary<string, double> { ["weight load"] = 30.25, ["tokenizer load"] = 9.5 });

    InferenceHandler Handler()
    {
        Func<string, string?> env = name => name switch
        {
            EnvVars.ModelDir => tiny.OnnxDirectory,
            EnvVars.FunctionName => "llama-test",
            _ => null,
        };
        return new InferenceHandler(TinyModelFixture.Load(tiny.OnnxDirectory, out _), FunctionOptions.FromEnvironment(env), TelemetrySetup.Disabled, env)
        {
            ModelId = "tiny",
            InitTimings = Init,
        };
    }

    static LambdaInvocation Invocation(string method, string path, string? body = null) =>
        new("req-7", DateTimeOffset.UtcNow.AddMinutes(1), "arn:aws:lambda:us-east-1:123456789012:function:llama-test", null, null, null,
            Encoding.UTF8.GetBytes(OpenAiRequestParserTests.UrlEvent(method, path, body)));

    /// <summary>The function URL response: its status and its JSON body.</summary>
    static (int Status, JsonElement Body) Http(LambdaResponse response)
    {
        var buffered = Assert.IsType<BufferedLambdaResponse>(response);
        var wrapped = JsonDocument.Parse(buffered.Body).RootElement;
        Assert.Equal("application/json", wrapped.GetProperty("headers").GetProperty("content-type").GetString());
        return (wrapped.GetProperty("statusCode").GetInt32(), JsonDocument.Parse(wrapped.GetProperty("body").GetString()!).RootElement.Clone());
    }

    [Fact]
    public async Task Chat_completion_has_OpenAI_s_shape_and_the_cold_start_s_init_breakdown()
    {
        var handler = Handler();
        const string body = """{"model":"anything","messages":[{"role":"user","content":"Hi"}],"max_tokens":6,"seed":1}""";
        var (status, first) = Http(await handler.InvokeAsync(Invocation("POST", "/v1/chat/completions", body), default));
        Assert.Equal(200, status);
        Assert.Equal("chatcmpl-req-7", first.GetProperty("id").GetString());
        Assert.Equal("chat.completion", first.GetProperty("object").GetString());
        Assert.Equal("tiny", first.GetProperty("model").GetString());
        Assert.InRange(first.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var choice = Assert.Single(first.GetProperty("choices").EnumerateArray());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        var usage = first.GetProperty("usage");
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 1, 6);
        var timings = first.GetProperty("timings");
        Assert.True(timings.GetProperty("cold_start").GetBoolean());
        Assert.Equal(42.5, timings.GetProperty("init").GetProperty("total_ms").GetDouble());
        Assert.Equal(30.25, timings.GetProperty("init").GetProperty("phases").GetProperty("weight load").GetDouble());

        var (_, second) = Http(await handler.InvokeAsync(Invocation("POST", "/v1/chat/completions", body), default));
        Assert.False(second.GetProperty("timings").GetProperty("cold_start").GetBoolean());
        Assert.False(second.GetProperty("timings").TryGetProperty("init", out _));
        Assert.Equal(choice.GetProperty("message").GetProperty("content").GetString(),
            second.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()); // same seed, same text
    }

    [Fact]
    public async Task Streamed_chat_opens_with_the_role_sends_deltas_and_ends_with_finish_reason_then_usage()
    {
        var handler = Handler();
        const string request = """{"model":"tiny","messages":[{"role":"user","content":"Hi"}],"max_tokens":12,"seed":5,"temperature":0}""";
        var (_, buffered) = Http(await handler.InvokeAsync(Invocation("POST", "/v1/chat/completions", request), default));
        var streamed = request.Replace("\"temperature\":0", "\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal);
        var events = await HandlerTests.StreamEvents(await handler.InvokeAsync(Invocation("POST", "/v1/chat/completions", streamed), default), http: true);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.Equal("chatcmpl-req-7", c.GetProperty("id").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        Assert.Equal(buffered.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Equal(buffered.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), finish.GetProperty("finish_reason").GetString());
        Assert.True(chunks[^2].TryGetProperty("timings", out _));
        var text = string.Concat(chunks[1..^2].Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(buffered.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), text);
    }

    [Fact]
    public async Task Text_completion_buffered_and_streamed_agree()
    {
        var handler = Handler();
        const string request = """{"model":"tiny","prompt":"Once upon","max_tokens":8,"temperature":0}""";
        var (status, buffered) = Http(await handler.InvokeAsync(Invocation("POST", "/v1/completions", request), default));
        Assert.Equal(200, status);
        Assert.Equal("text_completion", buffered.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", buffered.GetProperty("id").GetString(), StringComparison.Ordinal);
        var events = await HandlerTests.StreamEvents(await handler.InvokeAsync(Invocation("POST", "/v1/completions", request.Replace("}", ",\"stream\":true}", StringComparison.Ordinal)), default), http: true);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
        Assert.Equal(buffered.GetProperty("choices")[0].GetProperty("text").GetString(), string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        Assert.Equal(buffered.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Models_lists_the_loaded_model_and_404s_another()
    {
        var handler = Handler();
        var (status, list) = Http(await handler.InvokeAsync(Invocation("GET", "/v1/models"), default));
        Assert.Equal(200, status);
        Assert.Equal("list", list.GetProperty("object").GetString());
        var model = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal("tiny", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());

        var (one, single) = Http(await handler.InvokeAsync(Invocation("GET", "/v1/models/tiny"), default));
        Assert.Equal(200, one);
        Assert.Equal("tiny", single.GetProperty("id").GetString());

        var (missing, error) = Http(await handler.InvokeAsync(Invocation("GET", "/v1/models/gpt-4o"), default));
        Assert.Equal(404, missing);
        Assert.Equal("model_not_found", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("POST", "/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"n":3}""", 400, "invalid_request_error", "n", "unsupported_parameter")]
    [InlineData("POST", "/v1/chat/completions", "{broken", 400, "invalid_request_error", null, null)]
    [InlineData("POST", "/v1/embeddings", "{}", 404, "not_found_error", null, "unknown_url")]
    [InlineData("DELETE", "/v1/models", null, 405, "invalid_request_error", null, "method_not_allowed")]
    public async Task Errors_are_OpenAI_error_bodies_with_the_HTTP_status_and_the_handler_keeps_serving(string method, string path, string? body, int expectedStatus, string type, string? param, string? code)
    {
        var handler = Handler();
        var (status, answer) = Http(await handler.InvokeAsync(Invocation(method, path, body), default));
        Assert.Equal(expectedStatus, status);
        var error = answer.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());

        var (ok, _) = Http(await handler.InvokeAsync(Invocation("POST", "/v1/completions", """{"model":"tiny","prompt":"still here","max_tokens":2}"""), default));
        Assert.Equal(200, ok);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_context_length_exceeded()
    {
        var handler = Handler();
        var longPrompt = string.Join(' ', Enumerable.Repeat("word", 2000));
        var (status, answer) = Http(await handler.InvokeAsync(Invocation("POST", "/v1/completions", $$"""{"model":"tiny","prompt":"{{longPrompt}}"}"""), default));
        Assert.Equal(400, status);
        Assert.Equal("context_length_exceeded", answer.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("prompt", answer.GetProperty("error").GetProperty("param").GetString());
    }
}
