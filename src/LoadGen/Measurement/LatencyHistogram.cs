using HdrHistogram;

namespace LlamaAspire.LoadGen.Measurement;

/// <summary>
/// Latencies in an HDR histogram: recorded in microseconds with 3 significant digits (so any percentile is within 0.1 %
/// of the recorded value), read back in milliseconds.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Longest latency recorded exactly: one hour (Lambda's own limit is 15 minutes); longer values are clamped.</summary>
    private const long HighestMicroseconds = 3_600_000_000;

    private readonly LongHistogram _histogram = new(HighestMicroseconds, 3);

    /// <summary>Values recorded.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Records one latency.</summary>
    public void Record(double milliseconds)
    {
        var micros = (long)Math.Round(Math.Max(0, milliseconds) * 1000);
        _histogram.RecordValue(Math.Min(Math.Max(micros, 1), HighestMicroseconds));
    }

    /// <summary>The latency at or below which <paramref name="percentile"/> % of the values lie (HDR's definition), ms.</summary>
    public double Percentile(double percentile) =>
        Count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>The largest value recorded, ms.</summary>
    public double Max => Count == 0 ? double.NaN : _histogram.GetMaxValue() / 1000.0;

    /// <summary>The mean, ms.</summary>
    public double Mean => Count == 0 ? double.NaN : _histogram.GetMean() / 1000.0;

    /// <summary>p50, p90, p99 and max in one value.</summary>
    public LatencySummary Summarize() => new(Count, Percentile(50), Percentile(90), Percentile(99), Max, Mean);
}
