using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Cost;
using ScottPlot;

namespace LlamaAspire.LoadGen.Output;

/// <summary>
/// The decision matrix drawn: $ per 1M requests against the steady request rate, per variant Lambda's line (flat: the same
/// per request at any rate), the always-on container's (falling as its hourly price is shared by more requests, a step up
/// at each container added) and, when priced, provisioned concurrency's; the crossover marked.
/// </summary>
public static class CrossoverChart
{
    private const int Points = 400;

    /// <summary>
    /// The chart, or null when no variant had a warm invoke to price: a compare's variants, a sweep's memory sizes or a
    /// run's one series, each a line.
    /// </summary>
    public static Plot? Build(ResultsDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var cost = document.CostModel();
        var prices = document.CrossoverContainer();
        var provisionedCount = document.Compare?.Provisioned ?? 0;
        var variants = document.Variants.Select(v => VariantCrossover.Of(v, cost, prices)).OfType<VariantCrossover>().ToList();
        if (variants.Count == 0)
        {
            return null;
        }

        // Out to three times the furthest crossover (or one container's capacity where there is none), so each turn shows.
        var maxRate = Math.Max(0.1, variants.Max(v => v.Rate ?? v.Capacity) * 3);
        var rates = Enumerable.Range(1, Points).Select(i => maxRate * i / Points).ToArray();
        var sparse = rates.Where((_, i) => i % 10 == 0).ToArray(); // the marked lines: a marker every tenth point
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            var color = palette.GetColor(i);
            var lambda = plot.Add.ScatterLine(rates, rates.Select(_ => (double)(v.LambdaPerRequest * 1_000_000m)).ToArray(), color);
            lambda.LegendText = $"{v.Name} Lambda";
            lambda.LineWidth = 2;
            // Told apart by markers on a sparser line, not by dashes: the SVG canvas drops path effects (and says so on stdout).
            var container = plot.Add.Scatter(sparse, sparse.Select(r => (double)Crossover.ContainerPerMillion(v.ContainerPerHour, r, v.WarmBilledMs)).ToArray(), color);
            container.LegendText = $"{v.Name} container";
            container.MarkerShape = MarkerShape.OpenSquare;
            container.MarkerSize = 6;
            if (provisionedCount > 0)
            {
                var provisioned = plot.Add.Scatter(sparse, sparse.Select(r => (double)Crossover.ProvisionedPerMillion(
                    document.Prices, document.Architecture, provisionedCount, v.MemorySizeMb, v.WarmBilledMs, r)).ToArray(), color);
                provisioned.LegendText = $"{v.Name} provisioned ×{provisionedCount}";
                provisioned.MarkerShape = MarkerShape.OpenTriangleUp;
                provisioned.MarkerSize = 6;
            }

            if (v.Rate is { } crossing)
            {
                var marker = plot.Add.Marker(crossing, (double)(v.LambdaPerRequest * 1_000_000m), MarkerShape.FilledCircle, 10, color);
                marker.LegendText = $"{v.Name} crossover {crossing:0.###}/s";
            }
        }

        // The container's line starts near infinity at rate 0: show up to a few times the dearest Lambda line instead.
        var top = (double)variants.Max(v => v.LambdaPerRequest) * 1_000_000 * 4;
        plot.Axes.SetLimits(0, maxRate, 0, top);
        plot.Title("Cost per 1M requests against steady request rate: Lambda vs an always-on container");
        plot.XLabel("steady request rate (requests/s)");
        plot.YLabel("$ per 1M requests");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
