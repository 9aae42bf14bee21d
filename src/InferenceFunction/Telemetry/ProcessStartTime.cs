using System.Diagnostics;
using System.Globalization;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>
/// When this process started. Under LlamaAspire's emulator, the spawn instant it hands over
/// (<see cref="EnvVars.SpawnTimeTicks"/>, 100 ns resolution), so <see cref="FunctionTelemetryNames.InitSpan"/> nests inside <see cref="PlatformTelemetry.InitSpan"/>.
/// Elsewhere (real Lambda) the fallback: /proc/self/stat field 22 (starttime, clock ticks after boot) plus the boot time,
/// taken as now − (time since boot). Time since boot is CLOCK_MONOTONIC (Stopwatch, ns) when it agrees with /proc/uptime
/// (no suspend since boot, as on servers), else /proc/uptime (10 ms). /proc/stat's btime is whole seconds, too coarse.
/// Resolution: one clock tick (10 ms), the kernel's starttime granularity; the estimate errs early, never late.
/// </summary>
public static class ProcessStartTime
{
    const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux Lambda runs

    public static DateTimeOffset? TryRead(Func<string, string?> env)
    {
        if (long.TryParse(env(EnvVars.SpawnTimeTicks), NumberStyles.None, CultureInfo.InvariantCulture, out var unixTicks) && unixTicks > 0)
        {
            return new DateTimeOffset(DateTime.UnixEpoch.Ticks + unixTicks, TimeSpan.Zero);
        }

        return TryReadProc();
    }

    /// <summary>The /proc estimate alone (10 ms resolution).</summary>
    public static DateTimeOffset? TryReadProc()
    {
        try
        {
            string uptimeText = File.ReadAllText("/proc/uptime");
            string stat = File.ReadAllText("/proc/self/stat");
            var now = DateTimeOffset.UtcNow;
            double monotonic = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            double uptime = double.Parse(uptimeText.AsSpan(0, uptimeText.IndexOf(' ')), CultureInfo.InvariantCulture);
            if (Math.Abs(monotonic - uptime) < 0.5)
            {
                uptime = monotonic;
            }
            // The command name (field 2) may hold spaces or ')': fields after it start past the last ')'.
            var rest = stat.AsSpan(stat.LastIndexOf(')') + 2);
            // rest starts at field 3 (state); starttime is field 22 → index 19 in rest.
            int field = 0, start = 0;
            for (int i = 0; i <= rest.Length; i++)
            {
                if (i == rest.Length || rest[i] == ' ')
                {
                    if (field == 19)
                    {
                        long ticks = long.Parse(rest[start..i], CultureInfo.InvariantCulture);
                        double sinceBoot = ticks / ClockTicksPerSecond;
                        return now - TimeSpan.FromSeconds(uptime - sinceBoot);
                    }
                    field++;
                    start = i + 1;
                }
            }
            return null;
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
