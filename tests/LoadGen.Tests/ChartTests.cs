using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Tests;

public sealed class ChartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadgen-charts-").FullName;

    private static RequestRecord Request(int index, double latency, bool cold, int memory) => new()
    {
        Index = index,
        ScheduledMs = index,
        SentMs = index,
        LatencyMs = latency,
        ServiceMs = latency,
        Outcome = RequestOutcome.Ok,
        Report = new ReportFields(latency, Math.Ceiling(latency), cold ? 500 : null, memory, 200),
        Answer = new FunctionAnswer(100, 8, 30, 200, cold, cold ? new InitBreakdown(480, new Dictionary<string, double> { ["native import"] = 120, ["weight load"] = 300 }) : null),
    };

    private static ResultsDocument Sweep() => new()
    {
        Command = "tune",
        StartedAt = DateTimeOffset.UnixEpoch,
        Target = "test",
        Function = "llama",
        Architecture = LambdaPrices.X64,
        Prices = new LambdaPrices(),
        Variants =
        [
            new VariantResults("1024 MB", 1024, [Request(0, 1500, true, 1024), Request(1, 400, false, 1024), Request(2, 420, false, 1024)]),
            new VariantResults("3008 MB", 3008, [Request(0, 900, true, 3008), Request(1, 200, false, 3008), Request(2, 210, false, 3008)]),
        ],
    };

    [Fact]
    public void A_sweep_with_cold_starts_and_warm_invokes_gets_all_four_charts_as_svg_and_png()
    {
        var document = Sweep();
        var summaries = document.Variants.Select(v => (v.Name, VariantSummary.Of(v.Requests, document.CostModel()))).ToList();

        var files = Charts.Write(document, summaries, _dir);

        // The crossover too: each memory size had warm invokes to price.
        Assert.Equal(["latency-cdf.svg", "latency-cdf.png", "init-breakdown.svg", "init-breakdown.png", "tune.svg", "tune.png", "crossover.svg", "crossover.png"],
            files.Select(Path.GetFileName));
        // The sweep plots REPORT Duration (the billed work) beside client latency.
        Assert.Equal(3, Charts.MemorySweep(document, summaries)!.GetPlottables().Count());
        Assert.Contains("p50 REPORT Duration (ms, billed work)", Charts.MemorySweep(document, summaries)!.GetPlottables()
            .OfType<ScottPlot.Plottables.Scatter>().Select(p => p.LegendText));
        var crossover = CrossoverChart.Build(document)!.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Select(p => p.LegendText).ToList();
        Assert.Equal(["1024 MB Lambda", "1024 MB container", "3008 MB Lambda", "3008 MB container"], crossover);
        foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
            Assert.True(new FileInfo(png).Length > 5_000, $"{png} is {new FileInfo(png).Length} bytes");
        }

        foreach (var svg in files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)))
        {
            Assert.Contains("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_data_no_chart_is_drawn()
    {
        var document = Sweep() with { Variants = [new VariantResults("burst", null, [new RequestRecord { Index = 0, ScheduledMs = 0, Outcome = RequestOutcome.Dropped }])] };
        var summaries = document.Variants.Select(v => (v.Name, VariantSummary.Of(v.Requests, document.CostModel()))).ToList();

        Assert.Empty(Charts.Write(document, summaries, _dir));
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("LOADGEN_KEEP_CHARTS") is not { Length: > 0 })
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
