using System.Diagnostics;
using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Tests;

public class SmallPartsTests
{
    static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Key == name).Value;

    [Theory]
    [InlineData(128, 64, 1)]
    [InlineData(1769, 64, 1)]
    [InlineData(1770, 64, 2)]
    [InlineData(3008, 64, 2)]
    [InlineData(10240, 64, 6)]
    [InlineData(10240, 2, 2)]     // never more than the cores present
    public void Threads_follow_lambda_memory(int memoryMb, int cores, int expected)
    {
        var (threads, source) = FunctionOptions.ComputeIntraOpThreads(Env((EnvVars.FunctionMemorySize, memoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture))), cores);
        Assert.Equal(expected, threads);
        Assert.Equal(EnvVars.FunctionMemorySize, source);
    }

    [Fact]
    public void Omp_num_threads_wins()
    {
        var (threads, source) = FunctionOptions.ComputeIntraOpThreads(Env((EnvVars.FunctionMemorySize, "10240"), (EnvVars.OmpNumThreads, "3")), 64);
        Assert.Equal((3, EnvVars.OmpNumThreads), (threads, source));
    }

    [Fact]
    public void Options_defaults_and_overrides()
    {
        var o = FunctionOptions.FromEnvironment(Env());
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "model"), o.ModelDirectory);
        Assert.Equal(GraphOptimization.Default, o.GraphOptimization);
        Assert.True(o.MemoryMapOrt);
        var p = FunctionOptions.FromEnvironment(Env((EnvVars.ModelDir, "/m"), (EnvVars.GraphOptimization, "basic"), (EnvVars.MemoryMapOrt, "0"), (EnvVars.FunctionName, "fn")));
        Assert.Equal("/m", p.ModelDirectory);
        Assert.Equal(GraphOptimization.Basic, p.GraphOptimization);
        Assert.False(p.MemoryMapOrt);
        Assert.Equal("fn", p.FunctionName);
    }

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

    [Fact]
    public void Sse_events_are_utf8_json_lines()
    {
        var delta = System.Text.Encoding.UTF8.GetString(LlamaAspire.InferenceFunction.Requests.ResponseWriter.DeltaEvent("né \"x\"\n<b>"));
        Assert.Equal("data: {\"text\":\"né \\\"x\\\"\\n<b>\"}\n\n", delta);
        Assert.Equal("data: [DONE]\n\n", System.Text.Encoding.UTF8.GetString(LlamaAspire.InferenceFunction.Requests.ResponseWriter.DoneEvent));
    }

    [Theory]
    [InlineData("Hello END world", 0, 6)]
    [InlineData("Hello world", 0, -1)]
    [InlineData("abcSTOPdefEND", 0, 3)]
    public void Find_stop(string text, int from, int expected)
    {
        Assert.Equal(expected, Generator.FindStop(text, ["END", "STOP"], from));
    }

    [Theory]
    [InlineData("Hello EN", 0, 6)]      // "EN" may start "END": held back
    [InlineData("Hello E", 0, 6)]
    [InlineData("Hello X", 0, 7)]
    [InlineData("Hello \uFFFD", 0, 6)]  // incomplete UTF-8 held back
    [InlineData("Hello", 5, 5)]
    public void Safe_length(string text, int emitted, int expected)
    {
        Assert.Equal(expected, Generator.SafeLength(text, emitted, ["END"]));
    }
}
