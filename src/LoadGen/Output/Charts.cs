using LlamaAspire.LoadGen.Measurement;
using ScottPlot;

namespace LlamaAspire.LoadGen.Output;

/// <summary>
/// The charts <c>--out</c> writes, each as SVG and PNG (ScottPlot): the latency CDF cold vs warm per variant, the init
/// breakdown as stacked bars per variant, for a memory sweep latency, REPORT Duration and cost against memory, and
/// wherever a variant had warm invokes the container crossover (<see cref="CrossoverChart"/>).
/// </summary>
public static class Charts
{
    private const int Width = 900, Height = 520;

    /// <summary>Writes the charts the document has data for into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(ResultsDocument document, IReadOnlyList<(string Name, VariantSummary Summary)> summaries, string directory)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(summaries);
        var files = new List<string>();
        if (LatencyCdf(document) is { } cdf)
        {
            files.AddRange(Save(cdf, directory, "latency-cdf"));
        }

        if (InitBreakdown(summaries) is { } init)
        {
            files.AddRange(Save(init, directory, "init-breakdown"));
        }

        // Not for compare: its variants are different functions, so a line through their memory sizes would mean nothing.
        if (document.Compare is null && MemorySweep(document, summaries) is { } sweep)
        {
            files.AddRange(Save(sweep, directory, "tune"));
        }

        if (CrossoverChart.Build(document) is { } crossover)
        {
            files.AddRange(Save(crossover, directory, "crossover"));
        }

        return files;
    }

    /// <summary>Percentile (y) against client latency (x), one line per variant and kind.</summary>
    internal static Plot? LatencyCdf(ResultsDocument document)
    {
        var plot = new Plot();
        var any = false;
        foreach (var variant in document.Variants)
        {
            foreach (var (kind, cold) in new[] { ("cold", true), ("warm", false) })
            {
                var values = variant.Requests.Where(r => r.Outcome == RequestOutcome.Ok && r.Cold == cold && r.LatencyMs is not null)
                    .Select(r => r.LatencyMs!.Value).Order().ToArray();
                if (values.Length == 0)
                {
                    continue;
                }

                // A step per request: at each latency the percentile rises by 100 ⁄ n (a single request is a vertical line).
                var xs = values.SelectMany(v => new[] { v, v }).ToArray();
                var ys = values.SelectMany((_, i) => new[] { 100.0 * i / values.Length, 100.0 * (i + 1) / values.Length }).ToArray();
                var line = plot.Add.ScatterLine(xs, ys);
                line.LegendText = $"{variant.Name} {kind} (n={values.Length})";
                line.LineWidth = 2;
                any = true;
            }
        }

        if (!any)
        {
            return null;
        }

        plot.Title("Client latency, cold vs warm");
        plot.XLabel("latency from the scheduled send (ms)");
        plot.YLabel("percentile");
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>
    /// The mean of each init phase, stacked, one bar per variant, in the order a cold start runs them: platform init at the
    /// base, the function's phases, the first prefill on top; the end of init marked (phases that overlap stack past it).
    /// </summary>
    internal static Plot? InitBreakdown(IReadOnlyList<(string Name, VariantSummary Summary)> summaries)
    {
        static IEnumerable<(string Phase, double Ms)> Segments(VariantSummary s) =>
            (s.PlatformInitMs is { } platform ? [(VariantSummary.PlatformInitLabel, platform)] : Array.Empty<(string, double)>())
            .Concat(s.Init?.Phases.Select(p => (p.Key, p.Value)) ?? [])
            .Concat(s.FirstPrefillMs is { } prefill ? [(VariantSummary.FirstPrefillLabel, prefill)] : Array.Empty<(string, double)>());

        var withInit = summaries.Where(s => Segments(s.Summary).Any()).ToList();
        if (withInit.Count == 0)
        {
            return null;
        }

        var plot = new Plot();
        var phases = withInit.SelectMany(s => Segments(s.Summary).Select(p => p.Phase)).Distinct(StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var marked = false;
        for (var i = 0; i < withInit.Count; i++)
        {
            var segments = Segments(withInit[i].Summary).ToDictionary(p => p.Phase, p => p.Ms, StringComparer.Ordinal);
            double stacked = 0;
            for (var p = 0; p < phases.Count; p++)
            {
                if (segments.TryGetValue(phases[p], out var ms))
                {
                    bars.Add(new Bar { Position = i, ValueBase = stacked, Value = stacked + ms, FillColor = palette.GetColor(p) });
                    stacked += ms;
                }
            }

            if (withInit[i].Summary.Init?.TotalMs is { } total)
            {
                // The function's phases start above platform init, so its total ends there too.
                var marker = plot.Add.Marker(i, (withInit[i].Summary.PlatformInitMs ?? 0) + total, MarkerShape.FilledDiamond, 12, Colors.Black);
                marker.LegendText = marked ? "" : "end of init (platform + function init total)";
                marked = true;
            }
        }

        plot.Add.Bars(bars);
        for (var p = 0; p < phases.Count; p++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = phases[p], FillColor = palette.GetColor(p) });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, withInit.Count).Select(i => (double)i).ToArray(), withInit.Select(s => s.Name).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title("Init breakdown, mean over cold starts (phases may overlap)");
        plot.YLabel("ms");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>
    /// tune: p50 client latency and p50 REPORT Duration (the billed work, without the network and the emulator's queueing)
    /// on the left axis and $ per 1M requests on the right, against memory size.
    /// </summary>
    internal static Plot? MemorySweep(ResultsDocument document, IReadOnlyList<(string Name, VariantSummary Summary)> summaries)
    {
        var points = document.Variants.Zip(summaries)
            .Where(p => p.First.MemorySizeMb is not null && p.Second.Summary.Cost is not null && p.Second.Summary.All.Count > 0)
            .Select(p => (Memory: (double)p.First.MemorySizeMb!.Value, P50: p.Second.Summary.All.P50, Duration: p.Second.Summary.Duration,
                Cost: (double)p.Second.Summary.Cost!.PerMillionRequests))
            .OrderBy(p => p.Memory).ToList();
        if (points.Count == 0)
        {
            return null;
        }

        var plot = new Plot();
        var latency = plot.Add.Scatter(points.Select(p => p.Memory).ToArray(), points.Select(p => p.P50).ToArray());
        latency.LegendText = "p50 client latency (ms)";
        var withDuration = points.Where(p => p.Duration.Count > 0).ToList();
        if (withDuration.Count > 0)
        {
            var duration = plot.Add.Scatter(withDuration.Select(p => p.Memory).ToArray(), withDuration.Select(p => p.Duration.P50).ToArray());
            duration.LegendText = "p50 REPORT Duration (ms, billed work)";
        }

        var cost = plot.Add.Scatter(points.Select(p => p.Memory).ToArray(), points.Select(p => p.Cost).ToArray());
        cost.LegendText = "$ per 1M requests";
        cost.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "$ per 1M requests";
        plot.Title("Memory sweep: latency, billed duration and cost");
        plot.XLabel("memory (MB)");
        plot.YLabel("p50 (ms)");
        plot.ShowLegend(Alignment.UpperCenter);
        return plot;
    }

    private static IEnumerable<string> Save(Plot plot, string directory, string name)
    {
        var svg = Path.Combine(directory, name + ".svg");
        var png = Path.Combine(directory, name + ".png");
        plot.SaveSvg(svg, Width, Height);
        plot.SavePng(png, Width, Height);
        return [svg, png];
    }
}
