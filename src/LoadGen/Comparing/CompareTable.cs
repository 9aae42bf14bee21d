using System.Globalization;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Comparing;

/// <summary>
/// <c>compare</c>'s one table (a column per variant, the first the baseline) and its sentences: cold latency and its init
/// breakdown, warm latency, the function's figures, cost, the ratio to the baseline, the container crossover — and what this
/// machine emulated or capped, so no figure passes for a Lambda measurement it is not.
/// </summary>
public static class CompareTable
{
    /// <summary>The table's title.</summary>
    public const string Title = "Compare";

    /// <summary>The table and the sentences under it.</summary>
    public static (FigureTable Table, IReadOnlyList<string> Notes) Build(ResultsDocument document, IReadOnlyList<(string Name, VariantSummary Summary)> summaries)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(summaries);
        var setup = document.Compare ?? throw new ArgumentException("Not a compare run.", nameof(document));
        var cost = document.CostModel();
        var columns = document.Variants.Zip(summaries, (v, s) => (Variant: v, s.Summary, Crossover: VariantCrossover.Of(v, cost, setup.Container))).ToList();
        // The first variant is the baseline; if it had no cold start (the 1B vanilla build runs out of memory at 1,769 MB), the
        // first that had one takes its place, and a note says so, rather than a row of dashes.
        var baselineColumn = columns.FirstOrDefault(c => c.Summary.Cold.Count > 0);
        var baseline = baselineColumn.Summary?.Cold ?? LatencySummary.Empty;
        var rows = new List<IReadOnlyList<string>>();
        void Row(string label, Func<(VariantResults Variant, VariantSummary Summary, VariantCrossover? Crossover), string> value) =>
            rows.Add([label, .. columns.Select(value)]);

        Row("function", c => c.Variant.Function ?? document.Function);
        Row("memory (MB)", c => Int(c.Variant.MemorySizeMb));
        Row("vCPUs: Lambda's share / here", c => c.Variant.MemorySizeMb is { } mb ? Vcpus(mb, setup.ProcessorCount) : "-");
        Row("cold starts / warm invokes (ok)", c => $"{Int(c.Summary.ColdStarts)} / {Int(c.Summary.Ok - c.Summary.ColdStarts)}");
        Row("cold p50 / p90 / max (ms)", c => Triple(c.Summary.Cold.Count, c.Summary.Cold.P50, c.Summary.Cold.P90, c.Summary.Cold.Max));
        Row("cold p50 ÷ baseline", c => Ratio(c.Summary.Cold, baseline));
        Row($"init: {VariantSummary.PlatformInitLabel} (ms)", c => SummaryTables.Number(c.Summary.PlatformInitMs));
        // The download first: the weights load from what it wrote (the breakdown's own order puts unlisted phases last).
        var phases = columns.SelectMany(c => c.Summary.Init?.Phases.Keys ?? []).Distinct(StringComparer.Ordinal)
            .OrderBy(p => p == FunctionTelemetryNames.ModelDownloadSpan ? 0 : 1).ToList();
        foreach (var phase in phases)
        {
            var download = phase == FunctionTelemetryNames.ModelDownloadSpan;
            Row($"init: {phase} (ms{(download ? ", S3 on loopback" : "")})",
                c => c.Summary.Init?.Phases.TryGetValue(phase, out var ms) == true ? SummaryTables.Number(ms) : "-");
            if (download)
            {
                Row(string.Create(CultureInfo.InvariantCulture, $"init: {phase} at {setup.S3MegabytesPerSecond:0.#} MB/s (estimate, ms)"),
                    c => c.Summary.Init?.Phases.ContainsKey(phase) != true ? "-"
                        : DownloadEstimateMs(setup) is { } est ? "~" + SummaryTables.Number(est) : "- (--model-mb)");
            }
        }

        Row($"{VariantSummary.FirstPrefillLabel} (ms)", c => SummaryTables.Number(c.Summary.FirstPrefillMs));
        Row("init total, function (ms)", c => SummaryTables.Number(c.Summary.Init?.TotalMs));
        Row("REPORT Init Duration p50 (ms)", c => SummaryTables.Number(c.Summary.InitDuration.Count > 0 ? c.Summary.InitDuration.P50 : null));
        Row("warm p50 / p90 (ms)", c => c.Summary.Warm.Count == 0 ? "-" : $"{SummaryTables.Number(c.Summary.Warm.P50)} / {SummaryTables.Number(c.Summary.Warm.P90)}");
        Row("time to first token p50 (ms)", c => SummaryTables.Number(c.Summary.TimeToFirstToken.Count > 0 ? c.Summary.TimeToFirstToken.P50 : null));
        Row("decode tokens/s (mean)", c => SummaryTables.Number(c.Summary.DecodeTokensPerSecond));
        Row("Max Memory Used (MB)", c => c.Summary.MaxMemoryUsedMb?.ToString(CultureInfo.InvariantCulture) ?? "-");
        Row("$ per 1M requests (as measured: cold + warm)", c => c.Summary.Cost is { } e ? Money(e.PerMillionRequests) : "-");
        Row("$ per 1M requests (warm)", c => c.Crossover is { } x ? Money(x.LambdaPerRequest * 1_000_000m) : "-");
        if (setup.Provisioned > 0)
        {
            Row($"provisioned ×{setup.Provisioned} beats on-demand above (req/s)", c => c.Crossover is { } x
                ? Crossover.ProvisionedBreakEven(document.Prices, document.Architecture, setup.Provisioned, x.WarmBilledMs) is { } r ? Rate(r) : "never"
                : "-");
        }

        Row("always-on container cheaper above (req/s)", c => c.Crossover is { } x ? x.Rate is { } r ? Rate(r) : "never" : "-");
        Row("emulated / capped", c => Emulated(c.Variant, c.Summary, setup));

        var notes = new List<string>();
        if (columns.Count > 0 && baselineColumn.Summary is not null && baselineColumn.Variant != columns[0].Variant)
        {
            notes.Add($"The baseline {columns[0].Variant.Name} had no successful cold start, so \"÷ baseline\" is over {baselineColumn.Variant.Name}, the first variant that had one.");
        }

        notes.AddRange(columns.Select(c => c.Crossover?.Sentence(document.Architecture)).OfType<string>());
        if (setup.Provisioned > 0)
        {
            notes.AddRange(columns.Where(c => c.Crossover is not null).Select(c => ProvisionedSentence(document, setup.Provisioned, c.Crossover!)));
        }

        notes.Add(EmulationNote(setup, columns.Select(c => (c.Variant, c.Summary)).ToList()));
        return (new FigureTable($"{Title}: {setup.ColdStarts} forced cold starts + {setup.WarmInvokes} warm invokes per variant, the first the baseline",
            ["", .. columns.Select(c => c.Variant.Name)], rows), notes);
    }

    /// <summary>The model download at the stated Lambda-to-S3 throughput, ms; null without the model's size.</summary>
    public static double? DownloadEstimateMs(CompareSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return setup.ModelMegabytes is { } mb && setup.S3MegabytesPerSecond > 0 ? mb / setup.S3MegabytesPerSecond * 1000 : null;
    }

    /// <summary>A variant's cold p50 over the baseline's, e.g. <c>0.42×</c>; <c>-</c> when either has no cold start.</summary>
    public static string Ratio(LatencySummary variant, LatencySummary baseline)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(baseline);
        return variant.Count == 0 || baseline.Count == 0 || baseline.P50 <= 0 ? "-"
            : (variant.P50 / baseline.P50).ToString("0.00", CultureInfo.InvariantCulture) + "×";
    }

    /// <summary>Lambda's vCPU share for the memory and what this machine gave it (capped at its cores).</summary>
    public static string Vcpus(int memorySizeMb, int processorCount)
    {
        var share = LambdaLimits.VcpusFor(memorySizeMb);
        return share > processorCount
            ? string.Create(CultureInfo.InvariantCulture, $"{share:0.##} / {processorCount} (capped)")
            : string.Create(CultureInfo.InvariantCulture, $"{share:0.##} / {share:0.##}");
    }

    /// <summary>What this run emulated or capped, said once under the table: only what applied to some variant.</summary>
    private static string EmulationNote(CompareSetup setup, IReadOnlyList<(VariantResults Variant, VariantSummary Summary)> columns)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string> { string.Create(inv, $"Measured on the emulator with {setup.ProcessorCount} cores") };
        var capped = columns.Where(c => c.Variant.MemorySizeMb is { } mb && LambdaLimits.VcpusFor(mb) > setup.ProcessorCount).Select(c => c.Variant.Name).ToList();
        if (capped.Count > 0)
        {
            parts.Add(string.Create(inv, $"the vCPU share of {string.Join(", ", capped)} is above them, so it ran on {setup.ProcessorCount} (capped)"));
        }

        if (columns.Any(c => c.Summary.Init?.Phases.ContainsKey(FunctionTelemetryNames.ModelDownloadSpan) == true))
        {
            parts.Add(setup.ModelMegabytes is { } mb
                ? string.Create(inv, $"S3 is on loopback, faster than Lambda's network, so beside the measured model download is an estimate at {setup.S3MegabytesPerSecond:0.#} MB/s for {mb:0.#} MB")
                : "S3 is on loopback, faster than Lambda's network; give --model-mb for an estimate of the download on Lambda");
        }

        return string.Join("; ", parts) + string.Create(inv, $". Container at ${setup.Container.PerVcpuHour} per vCPU-hour and ${setup.Container.PerGbHour} per GB-hour (defaults: Fargate us-east-1).");
    }

    private static string Emulated(VariantResults variant, VariantSummary summary, CompareSetup setup)
    {
        var marks = new List<string>();
        if (variant.MemorySizeMb is { } mb && LambdaLimits.VcpusFor(mb) > setup.ProcessorCount)
        {
            marks.Add(string.Create(CultureInfo.InvariantCulture, $"vCPU capped at {setup.ProcessorCount}"));
        }

        if (summary.Init?.Phases.ContainsKey(FunctionTelemetryNames.ModelDownloadSpan) == true)
        {
            marks.Add("S3 on loopback");
        }

        return marks.Count == 0 ? "-" : string.Join("; ", marks);
    }

    private static string ProvisionedSentence(ResultsDocument document, int provisioned, VariantCrossover x)
    {
        var even = Crossover.ProvisionedBreakEven(document.Prices, document.Architecture, provisioned, x.WarmBilledMs);
        var allocated = provisioned * x.MemorySizeMb / 1024m * document.Prices.ProvisionedPerGbSecond(document.Architecture) * 3600m;
        var inv = CultureInfo.InvariantCulture;
        var verdict = even is { } r
            ? string.Create(inv, $"they cost less than on-demand above {r:0.###} requests/s (up to {provisioned * x.Capacity:0.##} requests/s they serve, then spill-over is on-demand).")
            : "at this duration they never cost less than on-demand within what they can serve.";
        return string.Create(inv, $"{x.Name}: {provisioned} provisioned environment(s) cost ${allocated:0.0000}/h allocated, used or not; {verdict}");
    }

    private static string Triple(long count, double a, double b, double c) =>
        count == 0 ? "-" : $"{SummaryTables.Number(a)} / {SummaryTables.Number(b)} / {SummaryTables.Number(c)}";

    private static string Int(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Rate(double r) => r.ToString(r < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture);

    private static string Money(decimal value) => "$" + value.ToString(value < 1 ? "0.0000" : "0.00", CultureInfo.InvariantCulture);
}
