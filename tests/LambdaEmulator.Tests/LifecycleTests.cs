using System.Net;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>Execution environments: cold/warm, scale-out, timeouts, crashes, init errors, suppressed init, OOM, idle timeout, freeze.</summary>
public sealed class LifecycleTests
{
    private static async Task<(int Pid, JsonElement Body)> EnvAsync(EmulatorHost host, string fn)
    {
        var body = await host.InvokeJsonAsync(fn, """{"action":"env"}""");
        return (body.GetProperty("pid").GetInt32(), body);
    }

    private static List<string> Reports(EmulatorHost host) =>
        host.Lines.Where(l => l.StartsWith("REPORT ", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task FirstInvokeIsCold_SecondIsWarm_InTheSameProcess()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        var (pid1, _) = await EnvAsync(host, "fn");
        var (pid2, body2) = await EnvAsync(host, "fn");
        Assert.Equal(pid1, pid2);
        Assert.Equal(2, body2.GetProperty("invoke").GetInt32());
        var fn = await host.FunctionAsync("fn");
        Assert.Equal(1, fn.GetProperty("coldStarts").GetInt64());
        Assert.Equal(2, fn.GetProperty("invocations").GetInt64());
        var env = fn.GetProperty("environments").EnumerateArray().Single();
        Assert.Equal(pid1, env.GetProperty("pid").GetInt32());
        Assert.Equal(2, env.GetProperty("invocations").GetInt32());

        // REPORT follows the answer: wait for both.
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(Reports(host).Count >= 2), TimeSpan.FromSeconds(5), "two REPORT lines");
        var reports = Reports(host);
        Assert.Equal(2, reports.Count);
        Assert.Contains("\tInit Duration: ", reports[0]);
        Assert.DoesNotContain("Init Duration", reports[1]);
        // Billed Duration includes init on the cold start: ceil(Duration + Init Duration).
        var parts = reports[0].Split('\t').Select(p => p.Split(": ")).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var duration = double.Parse(parts["Duration"].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var init = double.Parse(parts["Init Duration"].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Math.Ceiling(duration + init), double.Parse(parts["Billed Duration"].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(parts["Max Memory Used"].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 5, reports[0]);
        Assert.Single(host.Lines, l => l.StartsWith("INIT_START ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReservedVariables_TraceHeader_AndOwnRuntimeApiPerEnvironment()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", memory: 512));
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var response = await host.InvokeAsync("fn", """{"action":"env"}""", headers: h => h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var env = body.GetProperty("environment");
        Assert.Equal("fn", env.GetProperty("AWS_LAMBDA_FUNCTION_NAME").GetString());
        Assert.Equal("512", env.GetProperty("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").GetString());
        Assert.Equal("$LATEST", env.GetProperty("AWS_LAMBDA_FUNCTION_VERSION").GetString());
        Assert.Equal("on-demand", env.GetProperty("AWS_LAMBDA_INITIALIZATION_TYPE").GetString());
        Assert.Equal("us-east-1", env.GetProperty("AWS_REGION").GetString());
        Assert.Equal("us-east-1", env.GetProperty("AWS_DEFAULT_REGION").GetString());
        Assert.Equal("/aws/lambda/fn", env.GetProperty("AWS_LAMBDA_LOG_GROUP_NAME").GetString());
        Assert.Matches(@"^\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}$", env.GetProperty("AWS_LAMBDA_LOG_STREAM_NAME").GetString());
        Assert.Equal(":UTC", env.GetProperty("TZ").GetString());
        Assert.True(env.TryGetProperty("LAMBDA_TASK_ROOT", out _));
        Assert.True(env.TryGetProperty("LAMBDA_RUNTIME_DIR", out _));
        Assert.True(env.TryGetProperty("AWS_EXECUTION_ENV", out _));
        Assert.Equal("fn", env.GetProperty("OTEL_SERVICE_NAME").GetString());
        Assert.Matches(@"^127\.0\.0\.1:\d+$", env.GetProperty("AWS_LAMBDA_RUNTIME_API").GetString());
        // TRACEPARENT carries platform.init in the caller's trace; the per-invoke X-Ray header carries platform.invoke.
        Assert.StartsWith($"00-{traceId}-", env.GetProperty("TRACEPARENT").GetString());
        Assert.Matches($"^Root=1-{traceId[..8]}-{traceId[8..]};Parent=[0-9a-f]{{16}};Sampled=1$", body.GetProperty("traceId").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:fn", body.GetProperty("invokedFunctionArn").GetString());
        Assert.InRange(body.GetProperty("remainingMs").GetInt64(), 1, 10_000);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", body.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task ConcurrentInvokes_StartOneEnvironmentEach()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        const int n = 3;
        var calls = Enumerable.Range(0, n).Select(_ => host.InvokeAsync("fn", """{"action":"sleep","ms":1500}""")).ToList();
        var responses = await Task.WhenAll(calls);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var fn = await host.FunctionAsync("fn");
        var envs = fn.GetProperty("environments").EnumerateArray().ToList();
        Assert.Equal(n, envs.Count);
        Assert.Equal(n, envs.Select(e => e.GetProperty("pid").GetInt32()).Distinct().Count());
        Assert.Equal(n, envs.Select(e => e.GetProperty("runtimeApi").GetString()).Distinct().Count());
        Assert.Equal(n, fn.GetProperty("coldStarts").GetInt64());
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Timeout_AnswersSandboxTimedout_KillsAndReinitializes()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", timeout: 1));
        var (pid, _) = await EnvAsync(host, "fn");
        using var response = await host.InvokeAsync("fn", """{"action":"sleep","ms":5000}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        var body = await EmulatorHost.ErrorBodyAsync(response);
        Assert.Equal("Sandbox.Timedout", body.GetProperty("errorType").GetString());
        Assert.Matches(@"^RequestId: [0-9a-f-]{36} Error: Task timed out after \d+\.\d\d seconds$", body.GetProperty("errorMessage").GetString());
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(!ProcessAlive(pid)), TimeSpan.FromSeconds(5), "the timed-out environment's process to be killed");

        var (pid2, _) = await EnvAsync(host, "fn");
        Assert.NotEqual(pid, pid2);
        var fn = await host.FunctionAsync("fn");
        Assert.Equal(2, fn.GetProperty("coldStarts").GetInt64());
        Assert.Equal(1, fn.GetProperty("timeouts").GetInt64());
        Assert.Contains(Reports(host), r => r.EndsWith("\tStatus: timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Crash_AnswersRuntimeExitError_AndTheNextInvokeReinitializes()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        var (pid, _) = await EnvAsync(host, "fn");
        using var response = await host.InvokeAsync("fn", """{"action":"crash"}""");
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        var body = await EmulatorHost.ErrorBodyAsync(response);
        Assert.Equal("Runtime.ExitError", body.GetProperty("errorType").GetString());
        Assert.EndsWith("Error: Runtime exited with error: exit status 1", body.GetProperty("errorMessage").GetString());
        var (pid2, _) = await EnvAsync(host, "fn");
        Assert.NotEqual(pid, pid2);
        Assert.Equal(2, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
    }

    [Fact]
    public async Task InitError_IsServedToTheTriggeringInvoke_WithInitReport()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", init: "error"));
        using var response = await host.InvokeAsync("fn", "{}", tail: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        var body = await EmulatorHost.ErrorBodyAsync(response);
        Assert.Equal("TestFunction.InitError", body.GetProperty("errorType").GetString());
        var tail = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Amz-Log-Result").Single()));
        Assert.Matches(@"INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\tError Type: TestFunction.InitError", tail);
        Assert.Empty((await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray());
    }

    [Fact]
    public async Task InitCrash_IsRuntimeExitError()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", init: "crash"));
        using var response = await host.InvokeAsync("fn", "{}");
        var body = await EmulatorHost.ErrorBodyAsync(response);
        Assert.Equal("Runtime.ExitError", body.GetProperty("errorType").GetString());
        Assert.Contains("exit status 3", body.GetProperty("errorMessage").GetString());
        Assert.Contains(host.Lines, l => l.StartsWith("INIT_REPORT ", StringComparison.Ordinal) && l.Contains("Error Type: Runtime.ExitError", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowInit_PastTheInitLimit_IsRetriedInsideTheInvoke()
    {
        var config = EmulatorHost.TestFunction("fn", timeout: 20, init: "sleep:2500");
        config["Lambda:InitTimeout"] = "1";
        await using var host = await EmulatorHost.StartAsync(config);
        using var response = await host.InvokeAsync("fn", """{"action":"echo"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"), await response.Content.ReadAsStringAsync());
        Assert.Contains(host.Lines, l => l.StartsWith("INIT_REPORT ", StringComparison.Ordinal) && l.Contains("Phase: init\tStatus: timeout", StringComparison.Ordinal));
        Assert.Equal(2, host.Lines.Count(l => l.StartsWith("INIT_START ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SlowInit_PastTheFunctionTimeoutToo_IsSandboxTimedout()
    {
        var config = EmulatorHost.TestFunction("fn", timeout: 1, init: "sleep:5000");
        config["Lambda:InitTimeout"] = "0.5";
        await using var host = await EmulatorHost.StartAsync(config);
        using var response = await host.InvokeAsync("fn", "{}");
        Assert.Equal("Sandbox.Timedout", (await EmulatorHost.ErrorBodyAsync(response)).GetProperty("errorType").GetString());
        Assert.Contains(host.Lines, l => l.Contains("Phase: invoke\tStatus: timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MemoryAboveMemorySize_IsRuntimeOutOfMemory()
    {
        // .NET caps its heap at 75% of the cgroup's limit when it starts inside it, and then throws a managed
        // OutOfMemoryException (a function error) instead of being OOM-killed; whether the runtime starts before or after the
        // cgroup join is a race. A heap limit above the sandbox's takes the race out: the kernel's OOM killer ends it.
        var config = EmulatorHost.TestFunction("fn", memory: 128, extra: new() { ["Lambda:Functions:fn:Environment:DOTNET_GCHeapHardLimit"] = "0x40000000" });
        await using var host = await EmulatorHost.StartAsync(config);
        using var response = await host.InvokeAsync("fn", """{"action":"alloc","mb":400}""");
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        var body = await EmulatorHost.ErrorBodyAsync(response);
        Assert.Equal("Runtime.OutOfMemory", body.GetProperty("errorType").GetString());
        await Task.Delay(100);
        Assert.Contains(Reports(host), r => r.Contains("Error Type: Runtime.OutOfMemory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdleTimeout_ShutsEnvironmentsDown_SoTheNextInvokeIsCold()
    {
        var config = EmulatorHost.TestFunction("fn", extra: new() { ["Lambda:Functions:fn:IdleTimeout"] = "1" });
        await using var host = await EmulatorHost.StartAsync(config);
        var (pid, _) = await EnvAsync(host, "fn");
        await EmulatorHost.WaitUntilAsync(async () => (await host.FunctionAsync("fn")).GetProperty("environments").GetArrayLength() == 0,
            TimeSpan.FromSeconds(10), "the idle environment to shut down");
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(!ProcessAlive(pid)), TimeSpan.FromSeconds(5), "the process to be gone");
        await EnvAsync(host, "fn");
        Assert.Equal(2, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
    }

    [Theory]
    [InlineData(true, "frozen", 'T')]
    [InlineData(false, "warm", 'S')]
    public async Task BetweenInvokes_TheEnvironmentIsFrozen_UnlessFreezeIsOff(bool freeze, string state, char procState)
    {
        var config = EmulatorHost.TestFunction("fn");
        config["Lambda:Freeze"] = freeze ? "true" : "false";
        await using var host = await EmulatorHost.StartAsync(config);
        var (pid, _) = await EnvAsync(host, "fn");
        await EmulatorHost.WaitUntilAsync(async () =>
            (await host.FunctionAsync("fn")).GetProperty("environments")[0].GetProperty("state").GetString() == state,
            TimeSpan.FromSeconds(5), $"state {state}");
        if (procState == 'T')
        {
            // SIGSTOP is delivered asynchronously: the kernel shows the process stopped shortly after.
            await EmulatorHost.WaitUntilAsync(() => Task.FromResult(ProcState(pid) == 'T'), TimeSpan.FromSeconds(2), "the process to be stopped");
        }
        else
        {
            Assert.NotEqual('T', ProcState(pid));
        }
        // Thawed for the next invoke.
        var (pid2, _) = await EnvAsync(host, "fn");
        Assert.Equal(pid, pid2);
    }

    [Fact]
    public async Task StoppingTheEmulator_LeavesNoProcessBehind()
    {
        var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        var (pid, _) = await EnvAsync(host, "fn");
        Assert.True(ProcessAlive(pid));
        await host.DisposeAsync();
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(!ProcessAlive(pid)), TimeSpan.FromSeconds(5), "the process to be gone");
    }

    internal static bool ProcessAlive(int pid) => File.Exists($"/proc/{pid}/status") && ProcState(pid) is not ('Z' or 'X' or '?');

    private static char ProcState(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("State:", StringComparison.Ordinal));
            return line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim()[0];
        }
        catch (IOException) { return '?'; }
    }
}
