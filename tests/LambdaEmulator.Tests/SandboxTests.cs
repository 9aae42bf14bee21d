using System.Globalization;
using System.Text.Json;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaEmulator.Environments;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>
/// The sandbox is the environment, not the runtime process: memory is limited and counted over its whole process tree, and
/// CPU is its MemorySize share. Needs writable cgroups (root on Linux, as CI runs); elsewhere each test says why it did nothing.
/// </summary>
public sealed class SandboxTests(ITestOutputHelper output)
{
    private bool CgroupsAvailable(EmulatorHost host)
    {
        var cgroups = host.App.Services.GetRequiredService<ResourceLimits>().Cgroups;
        if (cgroups is null && Environment.UserName == "root" && OperatingSystem.IsLinux())
        {
            Assert.Fail("Running as root on Linux, yet the emulator found no writable cgroups.");
        }

        output.WriteLine(cgroups is null ? "No writable cgroups here: nothing to check." : $"cgroup {cgroups.Version}");
        return cgroups is not null;
    }

    private static List<ReportLine> Reports(EmulatorHost host) =>
        [.. host.Lines.Select(l => ReportLine.TryParse(l, out var r) ? r : null).OfType<ReportLine>()];

    /// <summary>The REPORT after the first <paramref name="before"/> ones: the line is written after the answer, so wait for it.</summary>
    private static async Task<ReportLine> NextReportAsync(EmulatorHost host, int before)
    {
        ReportLine? report = null;
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult((report = Reports(host).Skip(before).FirstOrDefault()) is not null),
            TimeSpan.FromSeconds(5), $"REPORT line number {before + 1}");
        return report!;
    }

    [Fact]
    public async Task A_child_process_allocation_counts_in_Max_Memory_Used()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", memory: 512));
        if (!CgroupsAvailable(host))
        {
            return;
        }

        var reportsBefore = Reports(host).Count;
        var body = await host.InvokeJsonAsync("fn", """{"action":"spawn","mb":200}""");

        Assert.True(body.GetProperty("childPid").GetInt32() > 0);
        var report = await NextReportAsync(host, reportsBefore);
        Assert.True(report.MaxMemoryUsedMb >= 200, $"the child's 200 MB are the sandbox's: {report.Format()}");
        Assert.True(report.MaxMemoryUsedMb < 512, report.Format());
    }

    [Fact]
    public async Task A_child_process_past_MemorySize_is_killed_as_Runtime_OutOfMemory_with_the_environment()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", memory: 256));
        if (!CgroupsAvailable(host))
        {
            return;
        }

        var (firstPid, _) = await PidAsync(host);
        var reportsBefore = Reports(host).Count;
        using var response = await host.InvokeAsync("fn", """{"action":"spawn","mb":600}""");

        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("Runtime.OutOfMemory", (await EmulatorHost.ErrorBodyAsync(response)).GetProperty("errorType").GetString());
        var report = await NextReportAsync(host, reportsBefore);
        Assert.Equal("Runtime.OutOfMemory", report.ErrorType);
        Assert.True(report.MaxMemoryUsedMb <= 256, report.Format());
        // The whole environment went with it: the next invoke is a cold start in a new process.
        var (nextPid, _) = await PidAsync(host);
        Assert.NotEqual(firstPid, nextPid);
        Assert.Equal(2, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
    }

    [Fact]
    public async Task A_512_MB_function_gets_about_0_29_of_a_core_and_a_1769_MB_one_a_whole_core()
    {
        var config = EmulatorHost.TestFunction("small", memory: 512);
        foreach (var (key, value) in EmulatorHost.TestFunction("large", memory: 1769))
        {
            config[key] = value;
        }

        await using var host = await EmulatorHost.StartAsync(config);
        if (!CgroupsAvailable(host))
        {
            return;
        }

        var small = (await host.InvokeJsonAsync("small", """{"action":"spin","ms":1000}""")).GetProperty("cpuShare").GetDouble();
        var large = (await host.InvokeJsonAsync("large", """{"action":"spin","ms":1000}""")).GetProperty("cpuShare").GetDouble();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU share under a busy loop: 512 MB {small:F3}, 1769 MB {large:F3}"));

        // 512 / 1769 = 0.289 of a core; loose bounds for a shared 2-core machine.
        Assert.InRange(small, 0.15, 0.42);
        Assert.InRange(large, 0.7, 1.1);
    }

    private static async Task<(int Pid, JsonElement Body)> PidAsync(EmulatorHost host)
    {
        var body = await host.InvokeJsonAsync("fn", """{"action":"env"}""");
        return (body.GetProperty("pid").GetInt32(), body);
    }
}
