using System.Globalization;

namespace LlamaAspire.LoadGen.Tuning;

/// <summary>The memory size a strategy picks from measured candidates, and why, in one sentence.</summary>
public sealed record Recommendation(TuneCandidate Choice, TuneStrategy Strategy, double Weight, string Sentence)
{
    /// <summary>
    /// Picks per <paramref name="strategy"/>; <paramref name="weight"/> (0 = speed only, 1 = cost only) applies to
    /// <see cref="TuneStrategy.Balanced"/>, which scores each candidate on cost and latency each divided by the largest
    /// measured, as Power Tuning does. Candidates without a latency (nothing answered) are left out; null if none is left.
    /// </summary>
    public static Recommendation? Choose(IReadOnlyList<TuneCandidate> candidates, TuneStrategy strategy, double weight)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 1);
        var measured = candidates.Where(c => double.IsFinite(c.LatencyMs)).ToList();
        if (measured.Count == 0)
        {
            return null;
        }

        var maxCost = measured.Max(c => c.CostPerInvoke);
        var maxLatency = measured.Max(c => c.LatencyMs);
        double Score(TuneCandidate c) => (weight * (maxCost == 0 ? 0 : (double)(c.CostPerInvoke / maxCost)))
            + ((1 - weight) * (maxLatency == 0 ? 0 : c.LatencyMs / maxLatency));

        var choice = strategy switch
        {
            TuneStrategy.Cost => measured.OrderBy(c => c.CostPerInvoke).ThenBy(c => c.LatencyMs).First(),
            TuneStrategy.Speed => measured.OrderBy(c => c.LatencyMs).ThenBy(c => c.CostPerInvoke).First(),
            _ => measured.OrderBy(Score).ThenBy(c => c.MemorySizeMb).First(),
        };
        return new Recommendation(choice, strategy, weight, Describe(choice, measured, strategy, weight));
    }

    private static string Describe(TuneCandidate choice, List<TuneCandidate> measured, TuneStrategy strategy, double weight)
    {
        var c = CultureInfo.InvariantCulture;
        var how = strategy == TuneStrategy.Balanced ? $"balanced, weight {weight.ToString("0.##", c)} on cost" : strategy.ToString().ToLowerInvariant();
        var sentence = $"Recommended {choice.MemorySizeMb} MB ({how}): p50 {choice.LatencyMs.ToString("0", c)} ms, " +
            $"${(choice.CostPerInvoke * 1_000_000m).ToString("0.00", c)} per 1M requests";
        var smallest = measured.MinBy(m => m.MemorySizeMb)!;
        if (smallest != choice && choice.LatencyMs > 0 && smallest.CostPerInvoke > 0)
        {
            sentence += $" — {(smallest.LatencyMs / choice.LatencyMs).ToString("0.0", c)}× as fast as {smallest.MemorySizeMb} MB " +
                $"for {((double)(choice.CostPerInvoke / smallest.CostPerInvoke)).ToString("0.00", c)}× the cost";
        }

        return sentence + ".";
    }
}
