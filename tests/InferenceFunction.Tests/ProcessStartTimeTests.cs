using System.Diagnostics;
using LlamaAspire.InferenceFunction.Telemetry;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>When the process started, the instant the init spans begin at: the emulator's spawn time when it hands one over, else the OS's.</summary>
public sealed class ProcessStartTimeTests
{
    [Fact]
    public void Process_start_time_is_the_spawn_instant_the_emulator_hands_over_when_there_is_one()
    {
        var spawned = new DateTimeOffset(2026, 12, 3, 1, 2, 3, TimeSpan.Zero).AddTicks(4567);
        var ticks = (spawned.UtcDateTime - DateTime.UnixEpoch).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(spawned, ProcessStartTime.TryRead(name => name == EnvVars.SpawnTimeTicks ? ticks : null));
        // Garbage falls back to /proc, which is within a clock tick or so of the real start, never years off.
        Assert.NotEqual(spawned, ProcessStartTime.TryRead(name => name == EnvVars.SpawnTimeTicks ? "not-ticks" : null));
    }

    [Fact]
    public void Process_start_time_comes_from_the_os_and_precedes_now()
    {
        var start = ProcessStartTime.TryRead(_ => null);
        Assert.NotNull(start);
        Assert.True(start <= DateTimeOffset.UtcNow);
        Assert.True(DateTimeOffset.UtcNow - start < TimeSpan.FromHours(2));
        var reference = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        Assert.True(Math.Abs((start.Value.UtcDateTime - reference).TotalSeconds) < 1.5, $"{start} vs {reference}");
    }
}
