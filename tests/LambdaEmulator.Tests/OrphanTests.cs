using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>No function process outlives the emulator, even a frozen one when the emulator is SIGKILLed.</summary>
public sealed class OrphanTests
{
    [Fact]
    public async Task EmulatorKilledWithSigkill_LeavesNoFrozenFunctionBehind()
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "LambdaEmulator.dll"), "--urls", $"http://127.0.0.1:{port}",
            "--Lambda:Functions:fn:Command=dotnet", $"--Lambda:Functions:fn:Arguments:0={Paths.TestFunctionDll}",
            "--Lambda:Functions:fn:MemorySize=256", "--Lambda:ConsoleLogs=false", "--Logging:LogLevel:Default=Warning",
        })
        {
            psi.ArgumentList.Add(a);
        }

        using var emulator = Process.Start(psi)!;
        emulator.BeginOutputReadLine();
        emulator.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await EmulatorHost.WaitUntilAsync(async () =>
            {
                try { return (await client.GetAsync("/health")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
            }, TimeSpan.FromSeconds(30), "the emulator to start");
            using var response = await client.PostAsync("/2015-03-31/functions/fn/invocations", new StringContent("""{"action":"env"}"""));
            var pid = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("pid").GetInt32();
            await EmulatorHost.WaitUntilAsync(async () => (await client.GetStringAsync("/_emulator/functions")).Contains("\"frozen\"", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), "the environment to freeze");

            emulator.Kill(); // SIGKILL: no graceful shutdown
            await EmulatorHost.WaitUntilAsync(() => Task.FromResult(!LifecycleTests.ProcessAlive(pid)), TimeSpan.FromSeconds(10),
                $"frozen function process {pid} to be killed by the orphan guard");
        }
        finally
        {
            if (!emulator.HasExited)
            {
                emulator.Kill(entireProcessTree: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
