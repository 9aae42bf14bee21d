using System.Text;
using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Targets;
using LlamaAspire.LoadGen.Tuning;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The sweep and the configuration-change cold start against a control plane in memory and the slow HTTP target.</summary>
public sealed class MemorySweepTests
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"prompt":"hi","max_tokens":4}""");

    [Fact]
    public async Task Each_size_is_applied_and_awaited_before_its_invokes_and_the_original_is_restored()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(2));
        using var client = LambdaHttpTarget.CreateClient(server.Address, TimeSpan.FromSeconds(30));
        var target = new LambdaHttpTarget(client, "slow", UnsignedRequests.Instance, "slow");
        var control = new FakeFunctionControl(server, 512);
        var sweep = new MemorySweep(control, target, new ConfigurationChangeTrigger(control, TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(5));

        var (variants, interrupted) = await sweep.RunAsync([1024, 2048], 3, coldOnly: false, TimeSpan.FromMinutes(1), Payload, default);

        Assert.False(interrupted);
        Assert.Equal(["1024 MB", "2048 MB"], variants.Select(v => v.Name));
        Assert.Equal([1024, 2048], variants.Select(v => v.MemorySizeMb));
        foreach (var variant in variants)
        {
            // The update was in effect before the first invoke: REPORT states the new size, and only that first invoke is cold.
            Assert.All(variant.Requests, r => Assert.Equal(variant.MemorySizeMb, r.Report!.MemorySizeMb));
            Assert.Equal([true, false, false], variant.Requests.Select(r => r.Cold));
        }

        Assert.Equal(6, sweep.Completed);
        Assert.Equal(["get", "update 1024 -", "get", "get", "update 2048 -", "get", "get", "update 512 -", "get", "get"], control.Calls);
        Assert.Equal(512, server.MemorySizeMb);
    }

    [Fact]
    public async Task Cold_only_forces_every_invoke_cold_by_changing_a_variable_and_keeps_the_functions_own()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(2));
        using var client = LambdaHttpTarget.CreateClient(server.Address, TimeSpan.FromSeconds(30));
        var target = new LambdaHttpTarget(client, "slow", UnsignedRequests.Instance, "slow");
        var control = new FakeFunctionControl(server, 512);
        var sweep = new MemorySweep(control, target, new ConfigurationChangeTrigger(control, TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(5));

        var (variants, _) = await sweep.RunAsync([1024], 3, coldOnly: true, TimeSpan.FromMinutes(1), Payload, default);

        Assert.All(Assert.Single(variants).Requests, r => Assert.True(r.Cold));
        Assert.Equal(3, control.Calls.Count(c => c == $"update - {ConfigurationChangeTrigger.Variable},MODEL_DIR"));
        Assert.Equal("/models/tiny", control.Environment["MODEL_DIR"]);
    }

    [Fact]
    public async Task The_time_bound_stops_starting_sizes_and_the_original_is_still_restored()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(300));
        using var client = LambdaHttpTarget.CreateClient(server.Address, TimeSpan.FromSeconds(30));
        var target = new LambdaHttpTarget(client, "slow", UnsignedRequests.Instance, "slow");
        var control = new FakeFunctionControl(server, 512);
        var sweep = new MemorySweep(control, target, new ConfigurationChangeTrigger(control, TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(5));

        var (variants, _) = await sweep.RunAsync([1024, 2048, 4096], 10, coldOnly: false, TimeSpan.FromMilliseconds(500), Payload, default);

        var only = Assert.Single(variants);
        Assert.InRange(only.Requests.Count, 1, 3);
        Assert.Equal("update 512 -", control.Calls[^3]);
    }

    [Fact]
    public void The_default_sweep_is_power_tunings()
    {
        Assert.Equal([1024, 1769, 3008, 5308, 10240], MemorySweep.DefaultMemorySizes);
    }
}
