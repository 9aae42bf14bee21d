using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_1_to_100_ms_are_the_ranks()
    {
        // 100 values 1..100 ms: the p-th percentile is the smallest value with p % of the values at or below it.
        var summary = LatencySummary.Of(Enumerable.Range(1, 100).Select(i => (double)i));

        Assert.Equal(100, summary.Count);
        Assert.Equal(50, summary.P50, 0.05);
        Assert.Equal(90, summary.P90, 0.09);
        Assert.Equal(99, summary.P99, 0.1);
        Assert.Equal(100, summary.Max, 0.1);
        Assert.Equal(50.5, summary.Mean, 0.05);
    }

    [Fact]
    public void A_tail_of_slow_requests_shows_at_p99_and_not_at_p50()
    {
        // 990 warm invokes at 20 ms and 10 at 2,500 ms: the hand count puts p99 on the last 20 ms value (rank 990)
        // and anything above it on the slow ones.
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 990; i++)
        {
            histogram.Record(20);
        }

        for (var i = 0; i < 10; i++)
        {
            histogram.Record(2500);
        }

        Assert.Equal(20, histogram.Percentile(50), 0.02);
        Assert.Equal(20, histogram.Percentile(99), 0.02);
        Assert.Equal(2500, histogram.Percentile(99.1), 2.5);
        Assert.Equal(2500, histogram.Max, 2.5);
    }

    [Theory]
    [InlineData(0.123)]
    [InlineData(1.5)]
    [InlineData(1234.567)]
    [InlineData(600_000)]
    public void A_single_value_comes_back_within_three_significant_digits(double ms)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(ms);

        Assert.Equal(ms, histogram.Percentile(50), ms * 0.001);
        Assert.Equal(ms, histogram.Max, ms * 0.001);
    }

    [Fact]
    public void No_values_is_NaN_not_zero()
    {
        var summary = LatencySummary.Of([]);

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P99));
    }
}
