using LlamaAspire.LoadGen.Scheduling;

namespace LlamaAspire.LoadGen.Tests;

public sealed class ArrivalScheduleTests
{
    [Fact]
    public void Burst_sends_each_group_at_once_one_idle_gap_apart()
    {
        var offsets = ArrivalSchedules.Burst(3, 2, TimeSpan.FromSeconds(5)).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], offsets);
    }

    [Fact]
    public void Steady_is_one_request_every_1_over_rate_and_endless()
    {
        var offsets = ArrivalSchedules.Steady(4).Take(1000).ToList();

        Assert.Equal(TimeSpan.Zero, offsets[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(250), offsets[1]);
        Assert.Equal(TimeSpan.FromSeconds(249.75), offsets[999]);
    }

    [Fact]
    public void Ramp_from_0_to_10_per_second_over_10_s_sends_50_requests_quadratically()
    {
        // Λ(t) = t²/2 (rate t per second): request k at √(2k); Λ(10) = 50, so k = 0..50 (TimeSpan keeps 100 ns ticks).
        var offsets = ArrivalSchedules.Ramp(0, 10, TimeSpan.FromSeconds(10)).ToList();

        Assert.Equal(51, offsets.Count);
        Assert.Equal(Math.Sqrt(2), offsets[1].TotalSeconds, 1e-6);
        Assert.Equal(Math.Sqrt(2 * 8), offsets[8].TotalSeconds, 1e-6);
        Assert.Equal(10, offsets[^1].TotalSeconds, 1e-6);
    }

    [Fact]
    public void A_flat_ramp_is_steady()
    {
        var offsets = ArrivalSchedules.Ramp(2, 2, TimeSpan.FromSeconds(3)).ToList();

        Assert.Equal(Enumerable.Range(0, 7).Select(k => TimeSpan.FromSeconds(k / 2.0)), offsets);
    }

    [Fact]
    public void A_falling_ramp_ends_when_the_rate_reaches_zero()
    {
        // 10 → 0 per second over 2 s: Λ(2) = 10, so k = 0..10 fits and the 11th has no real root.
        var offsets = ArrivalSchedules.Ramp(10, 0, TimeSpan.FromSeconds(2)).ToList();

        Assert.Equal(11, offsets.Count);
        Assert.Equal(2, offsets[^1].TotalSeconds, 1e-6);
    }

    [Fact]
    public void Replay_reads_milliseconds_skips_comments_and_sorts()
    {
        var offsets = ArrivalSchedules.Replay(["# offsets in ms", "250,extra column", "", "0", "1000.5"]);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1000.5)], offsets);
    }

    [Fact]
    public void Replay_names_the_bad_line()
    {
        var error = Assert.Throws<FormatException>(() => ArrivalSchedules.Replay(["0", "soon"]));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }
}
