using LlamaAspire.InferenceFunction;
using LlamaAspire.InferenceFunction.Tests;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Tests;
using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.Otlp;
using LlamaAspire.TestInfrastructure;
using Xunit.Abstractions;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// The init breakdown two ways for the same cold start: from the spans the function exports over OTLP (what the dashboard
/// shows locally) and from the answer's <c>timings.init</c> (what LoadGen reads, and all there is on AWS). They must agree.
/// </summary>
[Collection(TinyModelCollection.Name)]
public sealed class InitBreakdownAgreementTests(TinyModelFixture tiny, ITestOutputHelper output) : IDisposable
{
    private const string Function = "llama";
    private const string Service = "llama-agreement";

    /// <summary>
    /// Per phase: the function times a phase with a Stopwatch started just before its span and read just before the span
    /// ends, so the two differ by the span's own start/stop overhead (microseconds) plus whatever preempts the thread
    /// between them — on a shared 2-core machine a context switch or GC pause, a few ms at most. Retroactive phases
    /// (runtime init) and the total share their timestamps with the span and agree to the printed precision.
    /// </summary>
    private const double ToleranceMs = 3, ToleranceFraction = 0.02;

    private readonly string _out = Path.Combine(Path.GetTempPath(), $"loadgen-agree-{Guid.NewGuid():N}");

    [Fact]
    public async Task Spans_and_timings_init_agree_for_the_same_cold_start()
    {
        await using var collector = await TelemetryCollector.StartAsync();
        var config = new Dictionary<string, string?>
        {
            [$"Lambda:Functions:{Function}:Command"] = "dotnet",
            [$"Lambda:Functions:{Function}:Arguments:0"] = TestPaths.FunctionDll,
            [$"Lambda:Functions:{Function}:Timeout"] = "120",
            [$"Lambda:Functions:{Function}:Environment:{EnvVars.ModelDir}"] = tiny.OnnxDirectory,
            [$"Lambda:Functions:{Function}:Environment:{EnvVars.OtelServiceName}"] = Service,
        };
        foreach (var (name, value) in collector.ExporterEnvironment(OtlpProtocol.HttpProtobuf))
        {
            config[$"Lambda:Functions:{Function}:Environment:{name}"] = value;
        }

        await using var emulator = await EmulatorHost.StartAsync(config);
        using var console = new TestConsole();
        var exit = await LoadGenApp.Create(console.Console).RunAsync(["run", "burst", "-e", emulator.Client.BaseAddress!.ToString(), "-f", Function,
            "--size", "1", "--max-tokens", "4", "--out", _out, "--no-progress"]);
        output.WriteLine(console.Output);
        Assert.Equal(0, exit);

        var request = Assert.Single(Assert.Single((await ResultsJson.ReadAsync(Path.Combine(_out, ResultsJson.FileName), default)).Variants).Requests);
        Assert.Equal(RequestOutcome.Ok, request.Outcome);
        Assert.True(request.Cold);
        var timings = request.Answer!.Init!;

        // The function flushes its spans before it answers, but that flush has a deadline: on a loaded machine the export
        // may land after the answer, so wait for it (returns as soon as every span is there).
        var spans = await collector.Spans.WaitForServiceAsync(Service, [FunctionTelemetryNames.InitSpan, .. timings.Phases.Keys], TimeSpan.FromSeconds(30));
        var init = spans.SingleNamed(FunctionTelemetryNames.InitSpan);
        output.WriteLine($"{FunctionTelemetryNames.InitSpan}: span {init.Duration.TotalMilliseconds:F2} ms, timings {timings.TotalMs:F2} ms");
        AssertAgree(FunctionTelemetryNames.InitSpan, init.Duration.TotalMilliseconds, timings.TotalMs!.Value);

        Assert.Contains(FunctionTelemetryNames.WeightLoadSpan, timings.Phases.Keys);
        foreach (var (phase, ms) in timings.Phases)
        {
            var span = spans.Single(s => s.Name == phase && s.ParentSpanId == init.SpanId);
            output.WriteLine($"{phase}: span {span.Duration.TotalMilliseconds:F2} ms, timings {ms:F2} ms");
            AssertAgree(phase, span.Duration.TotalMilliseconds, ms);
        }
    }

    private static void AssertAgree(string phase, double spanMs, double timingsMs)
    {
        var allowed = Math.Max(ToleranceMs, ToleranceFraction * spanMs);
        Assert.True(Math.Abs(spanMs - timingsMs) <= allowed, $"{phase}: span {spanMs:F2} ms vs timings.init {timingsMs:F2} ms, more than {allowed:F1} ms apart");
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }
}
