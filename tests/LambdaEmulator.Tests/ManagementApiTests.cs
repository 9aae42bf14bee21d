using System.Net;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>Contract 3, the management endpoints: a function described (configuration, environments, counts), recycled, and its idle environments shut down.</summary>
public sealed class ManagementApiTests
{
    [Fact]
    public async Task Functions_DescribesConfigEnvironmentsAndCounts()
    {
        var config = EmulatorHost.TestFunction("fn", memory: 3538, timeout: 7, extra: new() { ["Lambda:Functions:fn:ReservedConcurrency"] = "5" });
        await using var host = await EmulatorHost.StartAsync(config);
        await host.InvokeJsonAsync("fn", "{}");
        var fn = await host.FunctionAsync("fn");
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:fn", fn.GetProperty("arn").GetString());
        var c = fn.GetProperty("config");
        Assert.Equal(3538, c.GetProperty("memorySize").GetInt32());
        Assert.Equal(7, c.GetProperty("timeout").GetInt32());
        Assert.Equal(5, c.GetProperty("reservedConcurrency").GetInt32());
        Assert.Equal(600, c.GetProperty("idleTimeout").GetInt32());
        Assert.Equal(2.0, c.GetProperty("vcpus").GetDouble());
        var env = fn.GetProperty("environments").EnumerateArray().Single();
        Assert.Matches("^[0-9a-f]{32}$", env.GetProperty("id").GetString());
        Assert.True(env.GetProperty("pid").GetInt32() > 0);
        Assert.Contains(env.GetProperty("state").GetString(), new[] { "warm", "frozen" });
        Assert.Equal(Math.Min(2, Environment.ProcessorCount), env.GetProperty("cpus").GetArrayLength());
        Assert.Equal(1, fn.GetProperty("coldStarts").GetInt64());
        Assert.Equal(1, fn.GetProperty("invocations").GetInt64());
    }

    [Fact]
    public async Task Recycle_ForcesAColdStart_ShutdownIdle_StopsIdleOnes()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        await host.InvokeJsonAsync("fn", "{}");
        using (var r = await host.Client.PostAsync("/_emulator/functions/fn/recycle", null))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(1, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("environments").GetInt32());
        }
        Assert.Empty((await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray());
        await host.InvokeJsonAsync("fn", "{}");
        Assert.Equal(2, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());

        // A busy environment survives shutdown-idle.
        var busy = host.InvokeAsync("fn", """{"action":"sleep","ms":3000}""");
        await Task.Delay(300);
        var second = host.InvokeAsync("fn", """{"action":"sleep","ms":100}""");
        await second;
        using (var r = await host.Client.PostAsync("/_emulator/functions/fn/shutdown-idle", null))
        {
            Assert.Equal(1, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("environments").GetInt32());
        }

        Assert.Single((await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray());
        using (var r = await busy)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        using (var r = await host.Client.PostAsync("/_emulator/functions/nope/recycle", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
    }
}
