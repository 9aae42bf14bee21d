using System.Globalization;
using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Output;

/// <summary>The tables every command prints and summary.md holds: latency and cost per variant, the init breakdown, errors.</summary>
public static class SummaryTables
{
    /// <summary>The tables for named variants' summaries (empty tables are left out).</summary>
    public static IReadOnlyList<FigureTable> Build(IReadOnlyList<(string Name, VariantSummary Summary)> variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var tables = new List<FigureTable> { Figures(variants) };
        if (InitBreakdown(variants) is { } init)
        {
            tables.Add(init);
        }

        if (Errors(variants) is { } errors)
        {
            tables.Add(errors);
        }

        return tables;
    }

    private static FigureTable Figures(IReadOnlyList<(string Name, VariantSummary Summary)> variants)
    {
        var rows = new List<IReadOnlyList<string>>();
        void Row(string label, Func<VariantSummary, string> value) => rows.Add([label, .. variants.Select(v => value(v.Summary))]);

        Row("requests (scheduled)", s => Count(s.Scheduled));
        Row("ok", s => Count(s.Ok));
        Row("cold starts", s => Count(s.ColdStarts));
        Row("cold p50 / p90 / p99 / max (ms)", s => Latency(s.Cold));
        Row("warm p50 / p90 / p99 / max (ms)", s => Latency(s.Warm));
        Row("REPORT Init Duration p50 / max (ms)", s => Pair(s.InitDuration.P50, s.InitDuration.Max));
        Row("REPORT Duration p50 / p99 (ms)", s => Pair(s.Duration.P50, s.Duration.P99));
        Row("time to first token p50 / p99 (ms)", s => Pair(s.TimeToFirstToken.P50, s.TimeToFirstToken.P99));
        if (variants.Any(v => v.Summary.FirstChunk.Count > 0))
        {
            Row("client first chunk p50 / p99 (ms)", s => Pair(s.FirstChunk.P50, s.FirstChunk.P99));
        }

        Row("decode tokens/s (mean)", s => Number(s.DecodeTokensPerSecond));
        Row("Max Memory Used (MB)", s => s.MaxMemoryUsedMb?.ToString(CultureInfo.InvariantCulture) ?? "-");
        Row("late / dropped sends", s => $"{Count(s.Late)} / {Count(s.Outcomes[RequestOutcome.Dropped])}");
        Row("throttled / errors", s => $"{Count(s.Outcomes[RequestOutcome.Throttled])} / {Count(s.Outcomes[RequestOutcome.FunctionError] + s.Outcomes[RequestOutcome.ServiceError] + s.Outcomes[RequestOutcome.TransportError])}");
        Row("$ per 1M requests", s => s.Cost is { } c ? Money(c.PerMillionRequests) : "-");
        Row("$ per 1M output tokens", s => s.Cost?.PerMillionOutputTokens is { } t ? Money(t) : "-");
        Row("cold starts' share of cost", s => s.Cost is { } c ? c.ColdStartShare.ToString("P1", CultureInfo.InvariantCulture) : "-");
        return new FigureTable("Latency and cost", ["", .. variants.Select(v => v.Name)], rows);
    }

    private static FigureTable? InitBreakdown(IReadOnlyList<(string Name, VariantSummary Summary)> variants)
    {
        if (variants.All(v => v.Summary.Init is null && v.Summary.PlatformInitMs is null && v.Summary.FirstPrefillMs is null))
        {
            return null;
        }

        // In the order a cold start runs them: the platform's part, the function's phases, then the first invoke's prefill.
        var phases = variants.SelectMany(v => v.Summary.Init?.Phases.Keys ?? []).Distinct(StringComparer.Ordinal).ToList();
        var rows = new List<IReadOnlyList<string>>();
        rows.Add([VariantSummary.PlatformInitLabel, .. variants.Select(v => Number(v.Summary.PlatformInitMs))]);
        rows.AddRange(phases.Select(p => (IReadOnlyList<string>)[p, .. variants.Select(v => v.Summary.Init?.Phases.TryGetValue(p, out var ms) == true ? Number(ms) : "-")]));
        rows.Add([VariantSummary.FirstPrefillLabel, .. variants.Select(v => Number(v.Summary.FirstPrefillMs))]);
        rows.Add(["init total (function)", .. variants.Select(v => Number(v.Summary.Init?.TotalMs))]);
        rows.Add(["REPORT Init Duration p50", .. variants.Select(v => Number(v.Summary.InitDuration.P50))]);
        return new FigureTable("Init breakdown, mean over cold starts (ms; phases may run in parallel)", ["phase", .. variants.Select(v => v.Name)], rows);
    }

    private static FigureTable? Errors(IReadOnlyList<(string Name, VariantSummary Summary)> variants)
    {
        var kinds = variants.SelectMany(v => v.Summary.Errors.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }

        var rows = kinds.Select(k => (IReadOnlyList<string>)[k, .. variants.Select(v => Count(v.Summary.Errors.GetValueOrDefault(k)))]).ToList();
        return new FigureTable("Failures by type", ["outcome/type", .. variants.Select(v => v.Name)], rows);
    }

    private static string Latency(LatencySummary s) =>
        s.Count == 0 ? "-" : string.Join(" / ", new[] { s.P50, s.P90, s.P99, s.Max }.Select(v => Number(v)));

    private static string Pair(double a, double b) => double.IsNaN(a) ? "-" : $"{Number(a)} / {Number(b)}";

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Milliseconds and rates: one decimal below 100, none above (3 significant digits is all HDR keeps); counts as integers.</summary>
    internal static string Number(double? value) => value is not { } v || double.IsNaN(v)
        ? "-"
        : v.ToString(Math.Abs(v) < 100 && v != Math.Floor(v) ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string Money(decimal value) => "$" + value.ToString(value < 1 ? "0.0000" : "0.00", CultureInfo.InvariantCulture);
}
