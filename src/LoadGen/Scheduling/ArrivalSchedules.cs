using System.Globalization;

namespace LlamaAspire.LoadGen.Scheduling;

/// <summary>
/// Traffic shapes as arrival offsets from the run's start, in order. Lazy: a steady schedule is endless and the runner's
/// count and time bounds end it.
/// </summary>
public static class ArrivalSchedules
{
    /// <summary><paramref name="bursts"/> bursts of <paramref name="size"/> simultaneous requests, one every
    /// <paramref name="idleGap"/> (the first at 0): the spiky traffic that makes a function scale out cold.</summary>
    public static IEnumerable<TimeSpan> Burst(int size, int bursts, TimeSpan idleGap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bursts, 1);
        for (var b = 0; b < bursts; b++)
        {
            for (var i = 0; i < size; i++)
            {
                yield return idleGap * b;
            }
        }
    }

    /// <summary>A fixed arrival rate: request k at k ÷ rate, endlessly.</summary>
    public static IEnumerable<TimeSpan> Steady(double ratePerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        for (long k = 0; ; k++)
        {
            yield return TimeSpan.FromSeconds(k / ratePerSecond);
        }
    }

    /// <summary>
    /// A rate rising linearly from <paramref name="fromRate"/> to <paramref name="toRate"/> over <paramref name="duration"/>
    /// (then ending). Request k arrives when the expected count Λ(t) = r₀t + (r₁ − r₀)t² ⁄ 2T reaches k: the root of that quadratic.
    /// </summary>
    public static IEnumerable<TimeSpan> Ramp(double fromRate, double toRate, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegative(toRate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        if (fromRate + toRate <= 0)
        {
            throw new ArgumentException("A ramp needs a rate above 0 at one end.", nameof(toRate));
        }

        var seconds = duration.TotalSeconds;
        var slope = (toRate - fromRate) / seconds;
        for (long k = 0; ; k++)
        {
            double t = Math.Abs(slope) < 1e-12
                ? k / fromRate
                : (-fromRate + Math.Sqrt((fromRate * fromRate) + (2 * slope * k))) / slope;
            if (double.IsNaN(t) || t > seconds)
            {
                yield break;
            }

            yield return TimeSpan.FromSeconds(t);
        }
    }

    /// <summary>
    /// Arrivals replayed from a file: one offset in milliseconds from the start per line (the first comma-separated column,
    /// so a CSV export works); blank lines and lines starting with <c>#</c> are skipped. Offsets are sorted.
    /// </summary>
    public static IReadOnlyList<TimeSpan> Replay(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var offsets = new List<TimeSpan>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var first = line.Split(',')[0].Trim();
            if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || ms < 0 || !double.IsFinite(ms))
            {
                throw new FormatException($"line {number}: '{first}' is not an offset in milliseconds (a number ≥ 0).");
            }

            offsets.Add(TimeSpan.FromMilliseconds(ms));
        }

        offsets.Sort();
        return offsets;
    }
}
