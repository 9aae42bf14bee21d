using System.Net;
using LlamaAspire.Otlp;

namespace LlamaAspire.AppHost.Tests;

/// <summary>The running AppHost, through the emulator's Invoke API and the dashboard's telemetry.</summary>
[Collection(AppHostCollection.Name)]
public class LambdaEmulatorFunctionalTests(AppHostFixture fixture)
{
    private const string Prompt = """{"prompt":"The capital of France is","max_tokens":4}""";

    [Fact]
    public async Task FirstInvokeIsCold_WithTheInitPhasesInTheSameTrace_AndTheSecondIsWarm()
    {
        await fixture.RecycleAsync("llama-jit");
        var traceId = AppHostFixture.NewTraceId();

        var first = await fixture.InvokeAsync("llama-jit", Prompt, traceId: traceId);
        var second = await fixture.InvokeAsync("llama-jit", Prompt);

        Assert.True(first.Status == HttpStatusCode.OK && first.FunctionError is null, $"{first.Status} {first.FunctionError}: {first.Body}\n{first.Log}");
        Assert.True(first.Cold, first.Log);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Null(second.FunctionError);
        Assert.False(second.Cold, second.Log);

        // One trace: the caller's. The emulator's platform.init and platform.invoke are in it, and the function's own
        // init span (exported by the function process) nests under platform.init, its init phases under that.
        string[] expected = ["platform.init", "platform.invoke", "function.init"];
        var spans = await fixture.SpansAsync(traceId, expected, TimeSpan.FromSeconds(30));
        var description = spans.Describe();
        Assert.True(expected.All(e => spans.Any(s => s.Name == e)), $"spans in trace {traceId}: {description}");
        var platformInit = spans.SingleNamed("platform.init");
        var functionInit = spans.SingleNamed("function.init");
        Assert.True(functionInit.ParentSpanId == platformInit.SpanId, description);
        Assert.NotEmpty(spans.ChildrenOf(functionInit));

        // And in time: the function's init starts at the spawn instant the emulator hands over (not /proc's 10 ms tick,
        // which put it ~8 ms before its parent), inside platform.init, and so do its phases inside it.
        Assert.True(functionInit.Start >= platformInit.Start, $"function.init starts {(platformInit.Start - functionInit.Start).TotalMilliseconds:F3} ms before platform.init");
        Assert.True(functionInit.End <= platformInit.End, $"function.init ends {(functionInit.End - platformInit.End).TotalMilliseconds:F3} ms after platform.init");
        Assert.All(spans.ChildrenOf(functionInit), phase => Assert.True(phase.Start >= functionInit.Start && phase.End <= functionInit.End,
            $"{phase.Name} [{phase.Start:O}, {phase.End:O}] outside function.init [{functionInit.Start:O}, {functionInit.End:O}]"));
    }

    [Fact]
    public async Task TheSnapStartVariant_RestoresItsHeldEnvironment_OnAColdStart_ThenIsWarm()
    {
        await fixture.RecycleAsync("llama-snapstart");

        var first = await fixture.InvokeAsync("llama-snapstart", Prompt);
        var second = await fixture.InvokeAsync("llama-snapstart", Prompt);

        Assert.True(first.Status == HttpStatusCode.OK && first.FunctionError is null, $"{first.Status} {first.FunctionError}: {first.Body}\n{first.Log}");
        // The REPORT of a restore has Restore Duration, not Init Duration (that is on INIT_REPORT, in the log tail here
        // because the recycle left nothing held, so this invoke's cold start initialised an environment and restored it).
        var report = first.Log.Split('\n').Single(line => line.StartsWith("REPORT ", StringComparison.Ordinal));
        Assert.True(first.Restored && !report.Contains("Init Duration", StringComparison.Ordinal), first.Log);
        Assert.True(second.Status == HttpStatusCode.OK && second.FunctionError is null, $"{second.Status} {second.FunctionError}: {second.Body}\n{second.Log}");
        Assert.False(second.Restored || second.Cold, second.Log);
    }

    [Fact]
    public async Task TheOptimisedVariant_AnswersToo()
    {
        var answer = await fixture.InvokeAsync("llama-aot", Prompt);
        Assert.True(answer.Status == HttpStatusCode.OK && answer.FunctionError is null, $"{answer.Status} {answer.FunctionError}: {answer.Body}\n{answer.Log}");
    }

    [Fact]
    public async Task ConcurrentInvokes_StartOneEnvironmentEach()
    {
        await fixture.RecycleAsync("test-fn");

        var invokes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fixture.InvokeAsync("test-fn", """{"action":"sleep","ms":1500}""")));

        Assert.All(invokes, i => Assert.Equal(HttpStatusCode.OK, i.Status));
        Assert.All(invokes, i => Assert.True(i.Cold, i.Log));
    }

    [Fact]
    public async Task ATimeout_KillsTheEnvironment_AndTheNextInvokeReInitializes()
    {
        await fixture.RecycleAsync("test-fn");
        Assert.Equal(HttpStatusCode.OK, (await fixture.InvokeAsync("test-fn", """{"action":"echo"}""")).Status);

        var timedOut = await fixture.InvokeAsync("test-fn", """{"action":"sleep","ms":10000}""");
        var next = await fixture.InvokeAsync("test-fn", """{"action":"echo"}""");

        Assert.Equal("Unhandled", timedOut.FunctionError);
        Assert.Contains("Task timed out after", timedOut.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.True(next.Cold, next.Log);
    }

    [Fact]
    public async Task InvokesBeyondReservedConcurrency_AreThrottledWith429()
    {
        await fixture.RecycleAsync("test-fn");

        // test-fn has a reserved concurrency of 3.
        var invokes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.InvokeAsync("test-fn", """{"action":"sleep","ms":2000}""")));

        var throttled = invokes.Where(i => i.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(throttled);
        Assert.All(throttled, t => Assert.Equal("TooManyRequestsException", t.ErrorType));
        Assert.Equal(3, invokes.Count(i => i.Status == HttpStatusCode.OK));
    }

    [Fact]
    public async Task AnEventInvoke_IsAccepted_AndRuns()
    {
        var traceId = AppHostFixture.NewTraceId();

        var accepted = await fixture.InvokeAsync("test-fn", """{"action":"echo","text":"event"}""", invocationType: "Event", traceId: traceId);

        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var spans = await fixture.SpanNamesAsync(traceId, ["platform.invoke"], TimeSpan.FromSeconds(30));
        Assert.Contains("platform.invoke", spans);
    }
}
