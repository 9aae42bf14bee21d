using System.Globalization;
using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Output;

/// <summary><c>diff</c>'s tables: two result sets side by side, per figure the change from the first to the second.</summary>
public static class DiffTables
{
    /// <summary>The figures compared, lower is better for all but decode tokens/s.</summary>
    private static readonly (string Label, Func<VariantSummary, double?> Value)[] Figures =
    [
        ("cold starts", s => s.ColdStarts),
        ("cold p50 (ms)", s => s.Cold.P50),
        ("cold p90 (ms)", s => s.Cold.P90),
        ("cold p99 (ms)", s => s.Cold.P99),
        ("cold max (ms)", s => s.Cold.Max),
        ("warm p50 (ms)", s => s.Warm.P50),
        ("warm p90 (ms)", s => s.Warm.P90),
        ("warm p99 (ms)", s => s.Warm.P99),
        ("warm max (ms)", s => s.Warm.Max),
        ("REPORT Init Duration p50 (ms)", s => s.InitDuration.P50),
        ("init: platform, mean (ms)", s => s.PlatformInitMs),
        ("first prefill, mean (ms)", s => s.FirstPrefillMs),
        ("REPORT Duration p50 (ms)", s => s.Duration.P50),
        ("time to first token p50 (ms)", s => s.TimeToFirstToken.P50),
        ("client first chunk p50 (ms)", s => s.FirstChunk.P50),
        ("decode tokens/s", s => s.DecodeTokensPerSecond),
        ("Max Memory Used (MB)", s => s.MaxMemoryUsedMb),
        ("failed requests", s => s.Scheduled - s.Ok),
        ("$ per 1M requests", s => s.Cost is { } c ? (double)c.PerMillionRequests : null),
        ("$ per 1M output tokens", s => s.Cost?.PerMillionOutputTokens is { } t ? (double)t : null),
    ];

    /// <summary>One table per variant the two sets share by name (a single variant on each side is compared whatever its name).</summary>
    public static IReadOnlyList<FigureTable> Build(string labelA, IReadOnlyList<(string Name, VariantSummary Summary)> a,
        string labelB, IReadOnlyList<(string Name, VariantSummary Summary)> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var pairs = a.Count == 1 && b.Count == 1
            ? [(a[0].Name == b[0].Name ? a[0].Name : $"{a[0].Name} vs {b[0].Name}", a[0].Summary, b[0].Summary)]
            : a.Join(b, x => x.Name, y => y.Name, (x, y) => (x.Name, x.Summary, y.Summary), StringComparer.Ordinal).ToList();
        var tables = new List<FigureTable>();
        foreach (var (name, left, right) in pairs)
        {
            var rows = Figures.Select(f => (IReadOnlyList<string>)[f.Label, Format(f.Value(left)), Format(f.Value(right)), Change(f.Value(left), f.Value(right))]).ToList();
            var initPhases = (left.Init?.Phases.Keys ?? []).Union(right.Init?.Phases.Keys ?? [], StringComparer.Ordinal);
            foreach (var phase in initPhases)
            {
                double? l = left.Init?.Phases.TryGetValue(phase, out var lv) == true ? lv : null;
                double? r = right.Init?.Phases.TryGetValue(phase, out var rv) == true ? rv : null;
                rows.Add([$"init: {phase} (ms)", Format(l), Format(r), Change(l, r)]);
            }

            tables.Add(new FigureTable($"{name}: {labelA} → {labelB}", ["", labelA, labelB, "change"], rows));
        }

        return tables;
    }

    /// <summary>The relative change, signed, e.g. <c>-42.0 %</c>; <c>-</c> when either side is missing or the first is 0.</summary>
    internal static string Change(double? from, double? to) =>
        from is { } f && to is { } t && double.IsFinite(f) && double.IsFinite(t) && f != 0
            ? ((t - f) / f).ToString("+0.0 %;-0.0 %;0.0 %", CultureInfo.InvariantCulture)
            : "-";

    private static string Format(double? value) => value is { } v && double.IsFinite(v)
        ? Math.Abs(v) < 1 && v != 0 ? v.ToString("0.0000", CultureInfo.InvariantCulture) : SummaryTables.Number(v)
        : "-";
}
