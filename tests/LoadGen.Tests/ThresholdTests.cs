using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Thresholds;

namespace LlamaAspire.LoadGen.Tests;

public sealed class ThresholdTests
{
    private static RequestRecord Answered(int index, double latency, bool cold) => new()
    {
        Index = index,
        ScheduledMs = index,
        SentMs = index,
        LatencyMs = latency,
        ServiceMs = latency,
        Outcome = RequestOutcome.Ok,
        Report = new ReportFields(latency, Math.Ceiling(latency), cold ? 900 : null, 1024, 200),
    };

    /// <summary>2 cold starts (2,000 and 4,000 ms), 8 warm invokes (100…800 ms), 1 throttle.</summary>
    private static VariantSummary Sample()
    {
        var requests = new List<RequestRecord> { Answered(0, 2000, true), Answered(1, 4000, true) };
        requests.AddRange(Enumerable.Range(1, 8).Select(i => Answered(i + 1, i * 100, false)));
        requests.Add(new RequestRecord { Index = 10, ScheduledMs = 10, Outcome = RequestOutcome.Throttled, ErrorType = "TooManyRequestsException" });
        return VariantSummary.Of(requests, new CostModel(new LambdaPrices(), LambdaPrices.X64));
    }

    [Theory]
    [InlineData("cold.p99<3000", false, 4000)]
    [InlineData("cold.p50<3000", true, 2000)]
    [InlineData("warm.p50<500", true, 400)]
    [InlineData("warm.p90<=701", true, 700)] // nearest rank (0.9 × 8 + 0.5 → the 7th of 8), reported as its bucket's upper edge (700.4)
    [InlineData("warm.p90<700", false, 700)]
    [InlineData("warm.max<800", false, 800)]
    [InlineData("cold.count>=2", true, 2)]
    [InlineData("init.p50<1000", true, 900)]
    [InlineData("throttles<1", false, 1)]
    [InlineData("errors<=1", true, 1)]
    [InlineData("cold_starts>1", true, 2)]
    [InlineData(" ERROR_RATE < 10 ", true, 100.0 / 11)]
    public void Criteria_are_checked_against_the_figures(string text, bool passes, double actual)
    {
        var result = Threshold.Parse(text).Evaluate(Sample());

        Assert.Equal(passes, result.Passed);
        Assert.Equal(actual, result.Actual!.Value, actual * 0.001);
    }

    [Fact]
    public void A_criterion_on_something_not_measured_fails()
    {
        var warmOnly = VariantSummary.Of([Answered(0, 10, false)], new CostModel(new LambdaPrices(), LambdaPrices.X64));

        var result = Threshold.Parse("cold.p99<3000").Evaluate(warmOnly);

        Assert.False(result.Passed);
        Assert.Null(result.Actual);
        Assert.Contains("not measured", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropped_sends_are_not_errors_of_the_target()
    {
        var summary = VariantSummary.Of(
            [Answered(0, 10, false), new RequestRecord { Index = 1, ScheduledMs = 1, Outcome = RequestOutcome.Dropped }],
            new CostModel(new LambdaPrices(), LambdaPrices.X64));

        Assert.Equal(0, Threshold.Parse("errors<1").Evaluate(summary).Actual);
        Assert.Equal(1, Threshold.Parse("dropped<1").Evaluate(summary).Actual);
    }

    [Fact]
    public void Cost_per_million_requests_is_a_metric()
    {
        var result = Threshold.Parse("cost_per_1m<100").Evaluate(Sample());

        Assert.True(result.Passed);
        Assert.Equal((double)Sample().Cost!.PerMillionRequests, result.Actual);
    }

    [Theory]
    [InlineData("cold.p99")]
    [InlineData("cold.p99<")]
    [InlineData("cold.p95<10")]
    [InlineData("hot.p99<10")]
    [InlineData("latency<10")]
    [InlineData("cold.p99=10")]
    public void Malformed_criteria_say_what_is_allowed(string text)
    {
        var error = Assert.Throws<FormatException>(() => Threshold.Parse(text));

        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Round_trips_as_text()
    {
        Assert.Equal("warm.p50<=500.5", Threshold.Parse("warm.p50 <= 500.5").ToString());
    }
}
