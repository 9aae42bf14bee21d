namespace LlamaAspire.LoadGen.Measurement;

/// <summary>A latency distribution's headline figures, ms (NaN when <see cref="Count"/> is 0).</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double Max, double Mean)
{
    /// <summary>No values.</summary>
    public static LatencySummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Summarizes values with an HDR histogram.</summary>
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var histogram = new LatencyHistogram();
        foreach (var value in milliseconds)
        {
            histogram.Record(value);
        }

        return histogram.Count == 0 ? Empty : histogram.Summarize();
    }
}
