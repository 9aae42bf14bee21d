using System.Net.Http.Json;
using LlamaAspire.InferenceFunction;
using LlamaAspire.InferenceFunction.Tests;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaContracts.Management;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Tests;
using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;
using Xunit.Abstractions;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// LoadGen's command line against the real emulator (in-process, on 127.0.0.1) running the real function (JIT
/// <c>bootstrap.dll</c>) on the tiny model: a short burst, forced cold starts and a memory sweep, checked against the
/// emulator's own counters and configuration.
/// </summary>
[Collection(TinyModelCollection.Name)]
public sealed class EndToEndTests(TinyModelFixture tiny, ITestOutputHelper output) : IDisposable
{
    private const string Function = "llama";
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"loadgen-e2e-{Guid.NewGuid():N}");

    [Fact]
    public async Task Burst_and_cold_count_cold_starts_as_the_emulator_does()
    {
        await using var emulator = await StartEmulatorAsync();
        var endpoint = emulator.Client.BaseAddress!.ToString();

        // Two bursts of two: the first must start two environments; the second, 8 s later, finds them warm unless init
        // took longer than that on this machine — either way LoadGen's cold count must be the emulator's.
        var burstDir = Path.Combine(_out, "burst");
        var burst = await RunAsync(["run", "burst", "-e", endpoint, "-f", Function, "--size", "2", "--bursts", "2", "--gap", "8",
            "--max-tokens", "4", "--out", burstDir, "--no-progress", "-t", "errors<1", "-t", "cold.count>=2"]);
        var afterBurst = await ColdStartsAsync(emulator);
        var burstRequests = Assert.Single(burst.Variants).Requests;
        Assert.Equal(4, burstRequests.Count);
        Assert.All(burstRequests, r => Assert.Equal(RequestOutcome.Ok, r.Outcome));
        Assert.Equal(afterBurst, burstRequests.Count(r => r.Cold == true));
        Assert.True(burstRequests[0].Cold == true && burstRequests[1].Cold == true);
        AssertColdStartsCarryTheirInit(burstRequests);
        Assert.True(File.Exists(Path.Combine(burstDir, MarkdownWriter.FileName)));
        foreach (var chart in (string[])["latency-cdf.svg", "latency-cdf.png", "init-breakdown.svg", "init-breakdown.png"])
        {
            Assert.True(File.Exists(Path.Combine(burstDir, chart)), $"{chart} not written");
        }

        // Forced cold starts, lambda-perf's way: UpdateFunctionConfiguration changes a variable, LoadGen waits for Successful.
        var cold = await RunAsync(["cold", "-e", endpoint, "-f", Function, "-k", "2",
            "--max-tokens", "4", "--out", Path.Combine(_out, "cold"), "--no-progress", "-t", "cold.count>=2"]);
        var coldRequests = Assert.Single(cold.Variants).Requests;
        Assert.Equal(2, coldRequests.Count);
        Assert.All(coldRequests, r => Assert.True(r.Cold, $"request {r.Index}: {r.Outcome} {r.ErrorType}"));
        Assert.Equal(afterBurst + 2, await ColdStartsAsync(emulator));
        AssertColdStartsCarryTheirInit(coldRequests);
        var configuration = await ConfigurationAsync(emulator);
        Assert.Equal(tiny.OnnxDirectory, configuration.Environment!.Variables![EnvVars.ModelDir]); // the function's own variables kept
        Assert.True(configuration.Environment.Variables.ContainsKey(ConfigurationChangeTrigger.Variable));

        // And by the emulator's own recycle command.
        var recycled = await RunAsync(["cold", "--method", "recycle", "-e", endpoint, "-f", Function, "-k", "1",
            "--max-tokens", "4", "--out", Path.Combine(_out, "recycle"), "--no-progress"]);
        Assert.True(Assert.Single(Assert.Single(recycled.Variants).Requests).Cold);
        Assert.Equal(afterBurst + 3, await ColdStartsAsync(emulator));
    }

    [Fact]
    public async Task Tune_sweeps_memory_and_puts_it_back_then_a_streamed_invoke_times_its_first_chunk()
    {
        await using var emulator = await StartEmulatorAsync();
        var endpoint = emulator.Client.BaseAddress!.ToString();

        using var console = new TestConsole();
        var outDir = Path.Combine(_out, "tune");
        var exit = await LoadGenApp.Create(console.Console).RunAsync(["tune", "-e", endpoint, "-f", Function, "--memory", "1024,2048",
            "-n", "2", "--max-tokens", "4", "--strategy", "cost", "--out", outDir, "--no-progress"]);
        output.WriteLine(console.Output);
        Assert.Equal(0, exit);

        var document = await ResultsJson.ReadAsync(Path.Combine(outDir, ResultsJson.FileName), default);
        Assert.Equal([1024, 2048], document.Variants.Select(v => v.MemorySizeMb));
        foreach (var variant in document.Variants)
        {
            // The new size is in effect for every invoke (REPORT says so), and the first on it is a cold start.
            Assert.All(variant.Requests, r => Assert.Equal(RequestOutcome.Ok, r.Outcome));
            Assert.All(variant.Requests, r => Assert.Equal(variant.MemorySizeMb, r.Report!.MemorySizeMb));
            Assert.Equal([true, false], variant.Requests.Select(r => r.Cold));
        }

        Assert.Equal(3008, (await ConfigurationAsync(emulator)).MemorySize);
        Assert.Matches(@"Recommended (1024|2048) MB \(cost\)", console.Output);

        // Streaming through InvokeWithResponseStream: the first chunk comes before the end, the figures from the last event.
        var streamed = await RunAsync(["run", "burst", "--size", "1", "--stream", "-e", endpoint, "-f", Function, "--max-tokens", "8",
            "--out", Path.Combine(_out, "stream"), "--no-progress"]);
        var r = Assert.Single(Assert.Single(streamed.Variants).Requests);
        Assert.Equal(RequestOutcome.Ok, r.Outcome);
        Assert.True(r.FirstChunkMs < r.LatencyMs, $"first chunk {r.FirstChunkMs} ms, answer {r.LatencyMs} ms");
        Assert.InRange(r.Answer!.CompletionTokens!.Value, 1, 8);
        Assert.NotNull(r.Answer.TimeToFirstTokenMs);
        Assert.NotNull(r.Report);
    }

    [Fact]
    public async Task Compare_measures_two_variants_alike_and_puts_the_memory_back()
    {
        await using var emulator = await StartEmulatorAsync();
        var endpoint = emulator.Client.BaseAddress!.ToString();

        // The same function at its own size (the baseline) and at 2,048 MB: one forced cold start and two warm invokes each; a
        // function the emulator does not have (as llama-vanilla without Node.js) is skipped with the reason.
        var outDir = Path.Combine(_out, "compare");
        using var console = new TestConsole();
        // A third variant sets a variable taken from another function (as the default ladder gives llama-jit llama-aot's
        // model): the donor's LLAMA_WARMUP=1 makes the cold start run a warm-up phase, which the function reports.
        var exit = await LoadGenApp.Create(console.Console).RunAsync(["compare", "-e", endpoint, "--variant", Function, "--variant", "absent", "--variant", $"{Function}@2048",
            "--variant", $"{Function}@2048+{EnvVars.Warmup}=@{Donor}", "--variant", $"{Function}+{EnvVars.Warmup}=@absent",
            "-k", "1", "-n", "2", "--max-tokens", "4", "--model-mb", "100", "--provisioned", "1", "--out", outDir, "--no-progress"]);
        output.WriteLine(console.Output);
        Assert.Equal(0, exit);

        var document = await ResultsJson.ReadAsync(Path.Combine(outDir, ResultsJson.FileName), default);
        Assert.Equal([$"{Function}@3008", $"{Function}@2048", $"{Function}@2048+{EnvVars.Warmup}=@{Donor}"], document.Variants.Select(v => v.Name));
        Assert.DoesNotContain(FunctionTelemetryNames.WarmupSpan, document.Variants[1].Requests[0].Answer!.Init!.Phases.Keys);
        Assert.Contains(FunctionTelemetryNames.WarmupSpan, document.Variants[2].Requests[0].Answer!.Init!.Phases.Keys);
        Assert.Contains("the target has no function absent to take LLAMA_WARMUP from", console.Output, StringComparison.Ordinal);
        foreach (var variant in document.Variants)
        {
            Assert.Equal([true, false, false], variant.Requests.Select(r => r.Cold));
            Assert.All(variant.Requests, r => Assert.Equal(variant.MemorySizeMb, r.Report!.MemorySizeMb));
            AssertColdStartsCarryTheirInit(variant.Requests);
        }

        var restored = await ConfigurationAsync(emulator);
        Assert.Equal(3008, restored.MemorySize);
        Assert.False(restored.Environment!.Variables!.ContainsKey(EnvVars.Warmup)); // the function's own variables back
        Assert.Contains("1.00×", console.Output, StringComparison.Ordinal);
        Assert.Contains("absent: skipped, the target has no such function", console.Output, StringComparison.Ordinal);
        Assert.Contains(document.Notes!, n => n.StartsWith("absent: skipped, the target has no such function", StringComparison.Ordinal)); // saved for report
        Assert.Contains("always-on container", console.Output, StringComparison.Ordinal);
        foreach (var file in (string[])["report.html", "summary.md", "crossover.svg", "init-breakdown.svg", "latency-cdf.svg"])
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} not written");
        }
    }

    /// <summary>A function that is never invoked: its variables are what a compare variant takes from it.</summary>
    private const string Donor = "donor";

    private Task<EmulatorHost> StartEmulatorAsync() => EmulatorHost.StartAsync(new Dictionary<string, string?>
    {
        [$"Lambda:Functions:{Donor}:Command"] = "dotnet",
        [$"Lambda:Functions:{Donor}:Arguments:0"] = TestPaths.FunctionDll,
        [$"Lambda:Functions:{Donor}:Environment:{EnvVars.Warmup}"] = "1",
        [$"Lambda:Functions:{Function}:Command"] = "dotnet",
        [$"Lambda:Functions:{Function}:Arguments:0"] = TestPaths.FunctionDll,
        [$"Lambda:Functions:{Function}:MemorySize"] = "3008",
        [$"Lambda:Functions:{Function}:Timeout"] = "120",
        [$"Lambda:Functions:{Function}:Environment:{EnvVars.ModelDir}"] = tiny.OnnxDirectory,
    });

    private static async Task<FunctionConfiguration> ConfigurationAsync(EmulatorHost emulator) =>
        (await emulator.Client.GetFromJsonAsync(FunctionsApi.ConfigurationPath(Function), FunctionsJsonContext.Default.FunctionConfiguration))!;

    private async Task<ResultsDocument> RunAsync(string[] args)
    {
        using var console = new TestConsole();
        var exit = await LoadGenApp.Create(console.Console).RunAsync(args);
        output.WriteLine(console.Output);
        Assert.True(exit == 0, $"exit {exit}");
        var outDir = args[Array.IndexOf(args, "--out") + 1];
        return await ResultsJson.ReadAsync(Path.Combine(outDir, ResultsJson.FileName), default);
    }

    private static async Task<long> ColdStartsAsync(EmulatorHost emulator) =>
        (await emulator.Client.GetFromJsonAsync(ManagementApi.FunctionPath(Function), ManagementJsonContext.Default.FunctionView))!.ColdStarts;

    /// <summary>Every cold start has REPORT's Init Duration and the function's own breakdown, phase by phase, within it.</summary>
    private void AssertColdStartsCarryTheirInit(IEnumerable<RequestRecord> requests)
    {
        foreach (var r in requests.Where(r => r.Cold == true))
        {
            var init = r.Answer?.Init;
            Assert.NotNull(init);
            Assert.Equal(true, r.Answer!.ColdStart);
            foreach (var phase in (string[])[FunctionTelemetryNames.RuntimeInitSpan, FunctionTelemetryNames.NativeImportSpan,
                         FunctionTelemetryNames.WeightLoadSpan, FunctionTelemetryNames.TokenizerLoadSpan])
            {
                Assert.True(init.Phases.TryGetValue(phase, out var ms) && ms > 0, $"phase '{phase}' missing in {string.Join(", ", init.Phases)}");
            }

            var reportInit = r.Report!.InitDurationMs!.Value;
            output.WriteLine($"request {r.Index}: REPORT Init Duration {reportInit:F1} ms, function init total {init.TotalMs:F1} ms, latency {r.LatencyMs:F1} ms");
            // Phases may overlap (the tokenizer loads beside the weights), but each lies within function.init, and
            // function.init (from the spawn the emulator hands over) within the platform's Init Duration.
            Assert.All(init.Phases, p => Assert.True(p.Value <= init.TotalMs + 1, $"{p.Key} {p.Value} ms > total {init.TotalMs} ms"));
            Assert.True(init.TotalMs <= reportInit + 5, $"function init {init.TotalMs} ms > REPORT Init Duration {reportInit} ms");
            Assert.True(r.LatencyMs >= reportInit, "a cold start's client latency includes its init");
        }

        foreach (var r in requests.Where(r => r.Cold == false))
        {
            Assert.Null(r.Answer?.Init);
            Assert.Equal(false, r.Answer?.ColdStart);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }
}
