using System.Collections.Concurrent;
using System.Diagnostics;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.InferenceFunction.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class InitTelemetryTests(TinyModelFixture tiny)
{
    [Fact]
    public async Task Init_phases_nest_under_function_init_parented_on_traceparent()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FunctionTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.TraceId.ToHexString() == traceId) { spans.Enqueue(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        var lines = new List<string>();
        Func<string, string?> env = name => name switch
        {
            EnvVars.ModelDir => tiny.OrtDirectory,
            EnvVars.TraceParent => $"00-{traceId}-00f067aa0ba902b7-01",
            EnvVars.Warmup => "1",
            _ => null,
        };
        var mainEntered = DateTimeOffset.UtcNow;
        var handler = await FunctionInit.InitializeAsync(mainEntered, env, lines.Add);
        Assert.IsAssignableFrom<ILambdaHandler>(handler);

        var init = Assert.Single(spans, s => s.DisplayName == FunctionTelemetryNames.InitSpan);
        Assert.Equal("00f067aa0ba902b7", init.ParentSpanId.ToHexString());
        string[] phases = [FunctionTelemetryNames.RuntimeInitSpan, FunctionTelemetryNames.NativeImportSpan, FunctionTelemetryNames.WeightLoadSpan, FunctionTelemetryNames.TokenizerLoadSpan, FunctionTelemetryNames.WarmupSpan];
        foreach (var name in phases)
        {
            var span = Assert.Single(spans, s => s.DisplayName == name);
            Assert.Equal(init.SpanId, span.ParentSpanId);
            Assert.True(span.StartTimeUtc >= init.StartTimeUtc, name);
        }
        var runtimeInit = spans.Single(s => s.DisplayName == FunctionTelemetryNames.RuntimeInitSpan);
        Assert.Equal(mainEntered.UtcDateTime, runtimeInit.StartTimeUtc + runtimeInit.Duration, TimeSpan.FromMilliseconds(1));
        Assert.Equal(init.StartTimeUtc, runtimeInit.StartTimeUtc); // both start at the OS's process start
        var weights = spans.Single(s => s.DisplayName == FunctionTelemetryNames.WeightLoadSpan);
        Assert.Equal("ort", weights.GetTagItem("model.format"));
        Assert.EndsWith("model.ort", (string)weights.GetTagItem("model.path")!);
        Assert.True((long)weights.GetTagItem("model.bytes_on_disk")! > 0);
        Assert.Equal(weights.GetTagItem("model.bytes_on_disk"), weights.GetTagItem("model.bytes_mapped"));
        Assert.Equal(true, weights.GetTagItem("model.memory_mapped"));
        Assert.Equal("ORT_DISABLE_ALL", weights.GetTagItem("ort.graph_optimization_level"));
        Assert.Contains(lines, l => l.StartsWith("INIT\tphases", StringComparison.Ordinal) && l.Contains("weight load=", StringComparison.Ordinal));

        // The cold-start invoke links to function.init.
        var invoke = new LambdaInvocation("r1", DateTimeOffset.UtcNow.AddMinutes(1), "", $"Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=53995c3f42cd8ad8;Sampled=1", null, null,
            System.Text.Encoding.UTF8.GetBytes("""{"prompt":"hi","max_tokens":2}"""));
        await handler.InvokeAsync(invoke, default);
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal(init.SpanId, Assert.Single(server.Links).Context.SpanId);
    }
}
