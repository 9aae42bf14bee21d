using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The function as a real process against a fake Runtime API: the scenarios both the JIT and the AOT build run.</summary>
internal static class EndToEnd
{
    static readonly TimeSpan InvokeTimeout = TimeSpan.FromMinutes(2);

    static Dictionary<string, string> Env(FakeRuntimeApi api, string modelDir) => new()
    {
        ["AWS_LAMBDA_RUNTIME_API"] = api.Endpoint,
        ["MODEL_DIR"] = modelDir,
        ["AWS_LAMBDA_FUNCTION_NAME"] = "llama",
        ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "3008",
        ["AWS_REGION"] = "us-east-1",
    };

    public static async Task AnswersPromptsAsync(string fileName, string[] args, string modelDir, ITestOutputHelper output)
    {
        await using var api = new FakeRuntimeApi();
        var started = Stopwatch.StartNew();
        using var fn = new FunctionProcess(fileName, args, Env(api, modelDir));
        try
        {
            const string prompt = """{"prompt":"The quick brown fox","max_tokens":24}""";
            var first = await api.InvokeAsync(prompt, InvokeTimeout);
            output.WriteLine($"first answer after {started.ElapsedMilliseconds} ms (process start → response): {first.Body}");
            Assert.False(first.IsError, first.Body + "\n" + fn.OutputText);
            using var firstJson = JsonDocument.Parse(first.Body);
            var text = firstJson.RootElement.GetProperty("text").GetString();
            Assert.True(firstJson.RootElement.GetProperty("timings").GetProperty("cold_start").GetBoolean());
            Assert.True(firstJson.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() >= 1);

            var streamed = await api.InvokeAsync("""{"prompt":"The quick brown fox","max_tokens":24,"stream":true}""", InvokeTimeout);
            Assert.False(streamed.IsError, streamed.Body + "\n" + fn.OutputText);
            Assert.Equal("streaming", streamed.ResponseMode);
            Assert.Equal("text/event-stream", streamed.ContentType);
            var events = streamed.Body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
            Assert.Equal("[DONE]", events[^1]);
            var deltas = events[..^2].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("text").GetString());
            Assert.Equal(text, string.Concat(deltas));
            using var final = JsonDocument.Parse(events[^2]);
            Assert.False(final.RootElement.GetProperty("timings").GetProperty("cold_start").GetBoolean());
            output.WriteLine($"streamed {events.Count - 2} deltas in {streamed.BodyReads} body reads; final: {events[^2]}");

            var bad = await api.InvokeAsync("""{"prompt":"x","max_tokens":0}""", InvokeTimeout);
            Assert.True(bad.IsError);
            Assert.Equal("InvalidRequest", bad.ErrorType);
            using (var badJson = JsonDocument.Parse(bad.Body))
                Assert.Equal("'max_tokens' must be between 1 and 512 (got 0).", badJson.RootElement.GetProperty("errorMessage").GetString());

            var chat = await api.InvokeAsync("""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4}""", InvokeTimeout);
            Assert.False(chat.IsError, chat.Body);

            foreach (var line in fn.Output.Where(l => l.StartsWith("INIT", StringComparison.Ordinal) || l.StartsWith("INVOKE", StringComparison.Ordinal))) output.WriteLine(line);
            Assert.Contains(fn.Output, l => l.StartsWith("INVOKE\tprompt=", StringComparison.Ordinal));
        }
        catch
        {
            output.WriteLine(fn.OutputText);
            throw;
        }
    }

    /// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, spans and metrics reach the collector before each response is sent.</summary>
    public static async Task ExportsTelemetryBeforeRespondingAsync(string fileName, string[] args, string modelDir, ITestOutputHelper output, bool grpc = false)
    {
        await using var api = new FakeRuntimeApi();
        const string initTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var env = Env(api, modelDir);
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://{(grpc ? api.GrpcEndpoint : api.Endpoint)}";
        env["OTEL_EXPORTER_OTLP_PROTOCOL"] = grpc ? "grpc" : "http/protobuf";
        env["OTEL_SERVICE_NAME"] = "llama-svc";
        env["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=test";
        env["TRACEPARENT"] = $"00-{initTraceId}-00f067aa0ba902b7-01";
        using var fn = new FunctionProcess(fileName, args, env);
        try
        {
            var r = await api.InvokeAsync("""{"prompt":"telemetry","max_tokens":4}""", InvokeTimeout);
            Assert.False(r.IsError, r.Body);
            // Flushed before the response: everything is here already.
            foreach (var name in (string[])["function.init", "runtime init", "native import", "weight load", "tokenizer load", "llama", "prefill", "decode",
                         "faas.invocation_id", "faas.coldstart", "cloud.account.id", "model.bytes_mapped", "llama-svc", "deployment.environment"])
                Assert.True(api.OtlpContains("traces", System.Text.Encoding.UTF8.GetBytes(name)), $"'{name}' not in the exported spans");
            Assert.True(api.OtlpContains("traces", Convert.FromHexString(initTraceId)), "function.init is not in the TRACEPARENT trace");
            Assert.True(api.OtlpContains("traces", Convert.FromHexString("5759e988bd862e3fe1be46a994272793")), "the invoke is not in the X-Ray trace");
            foreach (var metric in (string[])["faas.init_duration", "gen_ai.server.time_to_first_token", "llamaaspire.decode.tokens_per_second", "faas.invocations"])
                Assert.True(api.OtlpContains("metrics", System.Text.Encoding.UTF8.GetBytes(metric)), $"metric '{metric}' not exported");
            output.WriteLine($"OTLP exports: {string.Join(", ", api.Otlp.Select(o => $"{o.Signal} {o.Body.Length} B"))}");
        }
        catch
        {
            output.WriteLine(fn.OutputText);
            throw;
        }
    }

    public static async Task MissingModelIsAnInitErrorAsync(string fileName, string[] args, ITestOutputHelper output)
    {
        await using var api = new FakeRuntimeApi();
        var missing = Path.Combine(Path.GetTempPath(), "llama-no-such-model-" + Guid.NewGuid().ToString("N")[..8]);
        using var fn = new FunctionProcess(fileName, args, Env(api, missing));
        var error = await api.InitError.WaitAsync(InvokeTimeout);
        output.WriteLine(error.Body);
        Assert.Equal("Runtime.ModelLoadError", error.ErrorType);
        using var body = JsonDocument.Parse(error.Body);
        var message = body.RootElement.GetProperty("errorMessage").GetString();
        Assert.Contains($"'{missing}' does not exist", message);
        Assert.Equal(1, await fn.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, api.NextCalls);
    }
}

[Collection(TinyModelCollection.Name)]
public sealed class JitProcessTests(TinyModelFixture tiny, ITestOutputHelper output)
{
    static string[] Args => [TestPaths.FunctionDll];

    [Fact]
    public Task Jit_bootstrap_answers_prompts_through_the_runtime_api() =>
        EndToEnd.AnswersPromptsAsync("dotnet", Args, tiny.OnnxDirectory, output);

    [Fact]
    public Task Jit_bootstrap_with_ort_model_answers() =>
        EndToEnd.AnswersPromptsAsync("dotnet", Args, tiny.OrtDirectory, output);

    [Fact]
    public Task Jit_bootstrap_exports_otlp_before_responding() =>
        EndToEnd.ExportsTelemetryBeforeRespondingAsync("dotnet", Args, tiny.OnnxDirectory, output);

    [Fact]
    public Task Jit_bootstrap_reports_a_missing_model_as_an_init_error() =>
        EndToEnd.MissingModelIsAnInitErrorAsync("dotnet", Args, output);
}
