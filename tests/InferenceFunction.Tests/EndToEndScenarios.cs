using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.Otlp;
using Xunit.Abstractions;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The function as a real process against a fake Runtime API: the scenarios both the JIT and the AOT build run.</summary>
internal static class EndToEndScenarios
{
    private const string FunctionName = "llama";

    /// <summary>The platform's X-Ray header for the invokes: the invoke span must join this trace.</summary>
    private const string InvokeTraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private const string InvokeTraceId = "5759e988bd862e3fe1be46a994272793";

    private static readonly TimeSpan InvokeTimeout = TimeSpan.FromMinutes(2);

    private static async Task<FakeRuntimeApi> StartRuntimeApiAsync()
    {
        var api = await FakeRuntimeApi.StartAsync();
        api.InvokedFunctionArn = FunctionArn.For("us-east-1", "123456789012", FunctionName).ToString();
        return api;
    }

    private static Dictionary<string, string> Env(FakeRuntimeApi api, string modelDir) => new()
    {
        [LambdaEnvironmentVariables.RuntimeApi] = api.RuntimeApi,
        [EnvVars.ModelDir] = modelDir,
        [EnvVars.FunctionName] = FunctionName,
        [EnvVars.FunctionMemorySize] = "3008",
        [EnvVars.Region] = "us-east-1",
    };

    public static async Task AnswersPromptsAsync(string fileName, string[] args, string modelDir, ITestOutputHelper output)
    {
        await using var api = await StartRuntimeApiAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var fn = new FunctionProcess(fileName, args, Env(api, modelDir));
        try
        {
            const string prompt = """{"prompt":"The quick brown fox","max_tokens":24}""";
            var first = await api.InvokeAsync(prompt, InvokeTimeout, InvokeTraceHeader);
            output.WriteLine($"first answer after {started.ElapsedMilliseconds} ms (process start → response): {first.BodyText}");
            Assert.False(first.IsError, first.BodyText + "\n" + fn.OutputText);
            using var firstJson = JsonDocument.Parse(first.Body);
            var text = firstJson.RootElement.GetProperty("text").GetString();
            Assert.True(firstJson.RootElement.GetProperty("timings").GetProperty("cold_start").GetBoolean());
            Assert.True(firstJson.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() >= 1);

            var streamed = await api.InvokeAsync("""{"prompt":"The quick brown fox","max_tokens":24,"stream":true}""", InvokeTimeout, InvokeTraceHeader);
            Assert.False(streamed.IsError, streamed.BodyText + "\n" + fn.OutputText);
            Assert.Equal(RuntimeApi.StreamingResponseMode, streamed.ResponseMode);
            Assert.Equal("text/event-stream", streamed.ContentType);
            var events = streamed.BodyText.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
            Assert.Equal("[DONE]", events[^1]);
            var deltas = events[..^2].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("text").GetString());
            Assert.Equal(text, string.Concat(deltas));
            using var final = JsonDocument.Parse(events[^2]);
            Assert.False(final.RootElement.GetProperty("timings").GetProperty("cold_start").GetBoolean());
            output.WriteLine($"streamed {events.Count - 2} deltas in {streamed.BodyReads} body reads; final: {events[^2]}");

            var bad = await api.InvokeAsync("""{"prompt":"x","max_tokens":0}""", InvokeTimeout, InvokeTraceHeader);
            Assert.True(bad.IsError);
            Assert.Equal("InvalidRequest", bad.ErrorType);
            using (var badJson = JsonDocument.Parse(bad.Body))
            {
                Assert.Equal("InvalidRequest", badJson.RootElement.GetProperty("errorType").GetString());
                Assert.Equal("'max_tokens' must be between 1 and 512 (got 0).", badJson.RootElement.GetProperty("errorMessage").GetString());
            }

            var chat = await api.InvokeAsync("""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4}""", InvokeTimeout, InvokeTraceHeader);
            Assert.False(chat.IsError, chat.BodyText);

            foreach (var line in fn.Output.Where(l => l.StartsWith("INIT", StringComparison.Ordinal) || l.StartsWith("INVOKE", StringComparison.Ordinal)))
            {
                output.WriteLine(line);
            }

            Assert.Contains(fn.Output, l => l.StartsWith("INVOKE\tprompt=", StringComparison.Ordinal));
        }
        catch
        {
            output.WriteLine(fn.OutputText);
            throw;
        }
    }

    /// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, spans and metrics reach the collector before each response is sent.</summary>
    public static async Task ExportsTelemetryBeforeRespondingAsync(
        string fileName, string[] args, string modelDir, ITestOutputHelper output, OtlpProtocol protocol = OtlpProtocol.HttpProtobuf)
    {
        const string serviceName = "llama-svc";
        const string initTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string initParentSpanId = "00f067aa0ba902b7";
        await using var api = await StartRuntimeApiAsync();
        await using var collector = await TelemetryCollector.StartAsync();
        var env = Env(api, modelDir);
        foreach (var (name, value) in collector.ExporterEnvironment(protocol))
        {
            env[name] = value;
        }

        env[EnvVars.OtelServiceName] = serviceName;
        env[EnvVars.OtelResourceAttributes] = "deployment.environment=test";
        env[EnvVars.TraceParent] = $"00-{initTraceId}-{initParentSpanId}-01";
        using var fn = new FunctionProcess(fileName, args, env);
        try
        {
            var invocation = api.Enqueue("""{"prompt":"telemetry","max_tokens":4}""", deadline: DateTimeOffset.UtcNow + InvokeTimeout, traceId: InvokeTraceHeader);
            var response = await invocation.Result.WaitAsync(InvokeTimeout);
            Assert.False(response.IsError, response.BodyText);

            // Flushed before the response: everything is here already. A zero timeout waits for nothing; it only words the failure.
            string[] initPhases = [FunctionTelemetryNames.RuntimeInitSpan, FunctionTelemetryNames.NativeImportSpan, FunctionTelemetryNames.WeightLoadSpan, FunctionTelemetryNames.TokenizerLoadSpan];
            var spans = await collector.Spans.WaitForServiceAsync(
                serviceName, [FunctionTelemetryNames.InitSpan, .. initPhases, FunctionName, FunctionTelemetryNames.PrefillSpan, FunctionTelemetryNames.DecodeSpan], TimeSpan.Zero);
            output.WriteLine($"OTLP exports: {string.Join(", ", collector.Exports)}; spans: {spans.Describe()}");

            var init = spans.SingleNamed(FunctionTelemetryNames.InitSpan);
            Assert.Equal(initTraceId, init.TraceId); // function.init joins the TRACEPARENT trace
            Assert.Equal(initParentSpanId, init.ParentSpanId);
            Assert.Equal("test", init.ResourceAttributes["deployment.environment"]);
            foreach (var phase in initPhases)
            {
                Assert.Equal(init.SpanId, spans.SingleNamed(phase).ParentSpanId);
            }

            Assert.NotNull(spans.SingleNamed(FunctionTelemetryNames.WeightLoadSpan).GetInt64("model.bytes_mapped"));

            var invoke = spans.SingleNamed(FunctionName);
            Assert.Equal(OtlpSpanKind.Server, invoke.Kind);
            Assert.Equal(InvokeTraceId, invoke.TraceId); // the invoke joins the X-Ray trace
            Assert.Equal(invocation.RequestId, invoke.GetString(FaasAttributes.InvocationId));
            Assert.Equal(true, invoke.GetBoolean(FaasAttributes.ColdStart));
            Assert.Equal("123456789012", invoke.GetString(FaasAttributes.CloudAccountId));
            Assert.Equal(InvokeTraceId, spans.SingleNamed(FunctionTelemetryNames.PrefillSpan).TraceId);
            Assert.Equal(InvokeTraceId, spans.SingleNamed(FunctionTelemetryNames.DecodeSpan).TraceId);

            foreach (var metric in (string[])[PlatformTelemetry.Metrics.InitDuration, FunctionTelemetryNames.Metrics.TimeToFirstToken,
                         FunctionTelemetryNames.Metrics.DecodeTokensPerSecond, PlatformTelemetry.Metrics.Invocations])
            {
                Assert.True(collector.MetricsInclude(metric), $"metric '{metric}' not exported");
            }
        }
        catch
        {
            output.WriteLine(fn.OutputText);
            throw;
        }
    }

    /// <summary>
    /// SnapStart: init's telemetry is exported before the snapshot (restore/next), and after the restore the invoke's goes out
    /// through new exporter connections, none of the ones opened before the snapshot.
    /// </summary>
    public static async Task SnapStartFlushesBeforeTheSnapshotAndReconnectsAfterTheRestoreAsync(
        string fileName, string[] args, string modelDir, ITestOutputHelper output)
    {
        const string serviceName = "llama-snapstart";
        await using var api = await StartRuntimeApiAsync();
        await using var collector = await TelemetryCollector.StartAsync();
        var env = Env(api, modelDir);
        foreach (var (name, value) in collector.ExporterEnvironment(OtlpProtocol.HttpProtobuf))
        {
            env[name] = value;
        }

        env[EnvVars.OtelServiceName] = serviceName;
        env[LambdaEnvironmentVariables.InitializationType] = LambdaEnvironmentVariables.InitializationTypes.SnapStart;
        using var fn = new FunctionProcess(fileName, args, env);
        try
        {
            await api.RestoreNextReceived.WaitAsync(InvokeTimeout);
            // The before-snapshot hook flushed synchronously before restore/next: init's spans are in. Zero waits for nothing.
            await collector.Spans.WaitForServiceAsync(serviceName, [FunctionTelemetryNames.InitSpan], TimeSpan.Zero);
            var beforeSnapshot = collector.Exports.ToList();
            var connectionsBefore = beforeSnapshot.Select(e => e.ConnectionId).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(0, api.NextCalls);

            api.Restore();
            var response = await api.InvokeAsync("""{"prompt":"restored","max_tokens":4}""", InvokeTimeout, InvokeTraceHeader);
            Assert.False(response.IsError, response.BodyText);
            await collector.Spans.WaitForServiceAsync(serviceName, [FunctionName], TimeSpan.Zero);

            var tracesAfterRestore = collector.Exports.Skip(beforeSnapshot.Count).Where(e => e.Signal == "traces").ToList();
            output.WriteLine($"before: {string.Join(", ", beforeSnapshot.Select(e => $"{e} on {e.ConnectionId}"))}; after: {string.Join(", ", tracesAfterRestore.Select(e => $"{e} on {e.ConnectionId}"))}");
            Assert.NotEmpty(tracesAfterRestore);
            Assert.All(tracesAfterRestore, e => Assert.DoesNotContain(e.ConnectionId, connectionsBefore));
            Assert.Equal(1, api.RestoreNextCalls);
            await WaitForOutputAsync(fn, "SNAPSTART\tbefore snapshot: telemetry flushed");
            await WaitForOutputAsync(fn, "SNAPSTART\tafter restore: telemetry exporters rebuilt");
        }
        catch
        {
            output.WriteLine(fn.OutputText);
            throw;
        }
    }

    /// <summary>Waits for a line of the function's output (read on its own thread) containing <paramref name="needle"/>.</summary>
    private static async Task WaitForOutputAsync(FunctionProcess fn, string needle)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!fn.Output.Any(l => l.Contains(needle, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < until, $"no output line containing '{needle}'");
            await Task.Delay(50);
        }
    }

    public static async Task MissingModelIsAnInitErrorAsync(string fileName, string[] args, ITestOutputHelper output)
    {
        await using var api = await StartRuntimeApiAsync();
        var missing = Path.Combine(Path.GetTempPath(), "llama-no-such-model-" + Guid.NewGuid().ToString("N")[..8]);
        using var fn = new FunctionProcess(fileName, args, Env(api, missing));
        var error = await api.InitError.WaitAsync(InvokeTimeout);
        output.WriteLine(error.BodyText);
        Assert.Equal(RuntimePostKind.InitError, error.Kind);
        Assert.Equal("Runtime.ModelLoadError", error.ErrorType);
        using var body = JsonDocument.Parse(error.Body);
        Assert.Equal("Runtime.ModelLoadError", body.RootElement.GetProperty("errorType").GetString());
        var message = body.RootElement.GetProperty("errorMessage").GetString();
        Assert.Contains($"'{missing}' does not exist", message);
        Assert.Equal(1, await fn.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, api.NextCalls);
    }
}
