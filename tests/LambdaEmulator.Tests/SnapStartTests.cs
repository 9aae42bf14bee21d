using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaContracts.Management;

namespace LlamaAspire.LambdaEmulator.Tests;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;
using RuntimeApi = LlamaAspire.LambdaContracts.RuntimeApi;

/// <summary>SnapStart as the emulator approximates it: a held environment at restore/next, restored by a cold start.</summary>
public sealed class SnapStartTests
{
    private const string AfterRestoreLine = "TestFunction: after-restore hook ran";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static Dictionary<string, string?> Function(string? restore = null, bool snapStart = true)
    {
        var extra = new Dictionary<string, string?> { ["Lambda:Functions:fn:SnapStart"] = snapStart ? "true" : "false" };
        if (restore is not null)
        {
            extra["Lambda:Functions:fn:Environment:TEST_FUNCTION_RESTORE"] = restore;
        }

        return EmulatorHost.TestFunction("fn", extra: extra);
    }

    /// <summary>Waits for an environment held at restore/next other than <paramref name="not"/>; returns its id and pid.</summary>
    private static async Task<(string Id, int Pid)> WaitHeldAsync(EmulatorHost host, string? not = null)
    {
        (string, int)? held = null;
        await EmulatorHost.WaitUntilAsync(async () =>
        {
            var envs = (await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray();
            var match = envs.FirstOrDefault(e => e.GetProperty("state").GetString() == EnvironmentStateNames.Snapshotted && e.GetProperty("id").GetString() != not);
            held = match.ValueKind == JsonValueKind.Undefined ? null : (match.GetProperty("id").GetString()!, match.GetProperty("pid").GetInt32());
            return held is not null;
        }, Wait, "an environment held at restore/next");
        return held!.Value;
    }

    private static async Task<(HttpResponseMessage Response, string Body, TailLog Tail)> InvokeAsync(EmulatorHost host, string payload)
    {
        var response = await host.InvokeAsync("fn", payload, tail: true);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (response, body, TailLog.FromHeader(response.Headers.GetValues(InvokeApi.Headers.LogResult).Single()));
    }

    [Fact]
    public async Task A_cold_invoke_restores_the_held_environment_whose_after_restore_hook_ran_and_REPORT_has_Restore_Duration()
    {
        await using var host = await EmulatorHost.StartAsync(Function());
        var held = await WaitHeldAsync(host);
        // The held environment's init was logged ahead of traffic: INIT_START with its init type, INIT_REPORT with its duration.
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(
            host.Lines.Any(l => l.StartsWith(PlatformLines.InitStartPrefix, StringComparison.Ordinal) && l.EndsWith("Init Type: snap-start", StringComparison.Ordinal))
            && host.Lines.Any(l => InitReportLine.TryParse(l, out var r) && r!.Status == "success")), Wait, "INIT_START and INIT_REPORT of the snapshot init");

        var (first, body, tail) = await InvokeAsync(host, """{"action":"hooks"}""");
        using (first)
        {
            var hooks = JsonDocument.Parse(body).RootElement;
            Assert.Equal(held.Pid, hooks.GetProperty("pid").GetInt32()); // the held process served it: restored, not initialized
            Assert.Equal(1, hooks.GetProperty("beforeSnapshot").GetInt32());
            Assert.Equal(1, hooks.GetProperty("afterRestore").GetInt32());
            Assert.Contains(AfterRestoreLine, tail.Lines); // the hook's output belongs to the invoke that restored it
            var report = tail.Report!;
            Assert.Null(report.InitDurationMs);
            Assert.NotNull(report.RestoreDurationMs);
            Assert.Equal(Math.Ceiling(report.RestoreDurationMs!.Value), report.BilledRestoreDurationMs);
            Assert.True(report.IsColdStart);
        }

        // Warm from here on: the same environment, no restore, hooks not run again.
        var (second, secondBody, secondTail) = await InvokeAsync(host, """{"action":"env"}""");
        using (second)
        {
            var env = JsonDocument.Parse(secondBody).RootElement;
            Assert.Equal(held.Pid, env.GetProperty("pid").GetInt32());
            var variables = env.GetProperty("environment");
            Assert.Equal(LambdaEnvironmentVariables.InitializationTypes.SnapStart, variables.GetProperty(LambdaEnvironmentVariables.InitializationType).GetString());
            Assert.False(variables.TryGetProperty(LambdaEnvironmentVariables.LogStreamName, out _)); // absent under SnapStart, as on Lambda
            Assert.Null(secondTail.Report!.RestoreDurationMs);
            Assert.Null(secondTail.Report.InitDurationMs);
        }

        Assert.Equal(1, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
        await WaitHeldAsync(host, not: held.Id); // the consumed environment is replaced by another held one
    }

    [Fact]
    public async Task A_failing_after_restore_hook_fails_the_invoke_with_AfterRestoreError_and_the_next_restore_uses_a_fresh_environment()
    {
        await using var host = await EmulatorHost.StartAsync(Function(restore: "error"));
        var held = await WaitHeldAsync(host);

        using var response = await host.InvokeAsync("fn", """{"action":"hooks"}""", tail: true);
        var error = await EmulatorHost.ErrorBodyAsync(response);
        var tail = TailLog.FromHeader(response.Headers.GetValues(InvokeApi.Headers.LogResult).Single());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // a function error, as Lambda answers it
        Assert.Equal("Unhandled", response.Headers.GetValues(InvokeApi.Headers.FunctionError).Single());
        Assert.Equal(LambdaErrorTypes.AfterRestoreError, error.GetProperty("errorType").GetString());
        Assert.Contains("after-restore hook failed on purpose", error.GetProperty("errorMessage").GetString());
        Assert.Contains(AfterRestoreLine, tail.Lines);
        Assert.Equal("error", tail.Report!.Status);
        Assert.Equal(LambdaErrorTypes.AfterRestoreError, tail.Report.ErrorType);
        Assert.NotNull(tail.Report.RestoreDurationMs);

        // The failed environment is discarded; another is held, and the next cold start restores that one.
        var next = await WaitHeldAsync(host, not: held.Id);
        Assert.NotEqual(held.Pid, next.Pid);
        await EmulatorHost.WaitUntilAsync(async () => !(await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray()
            .Any(e => e.GetProperty("id").GetString() == held.Id), Wait, "the failed environment to leave the pool");
        using var again = await host.InvokeAsync("fn", """{"action":"hooks"}""", tail: true);
        Assert.Equal(LambdaErrorTypes.AfterRestoreError, (await EmulatorHost.ErrorBodyAsync(again)).GetProperty("errorType").GetString());
        Assert.NotNull(TailLog.FromHeader(again.Headers.GetValues(InvokeApi.Headers.LogResult).Single()).Report!.RestoreDurationMs);
    }

    [Fact]
    public async Task A_failing_before_snapshot_hook_is_an_init_error_BeforeSnapshotError_served_to_the_cold_invoke()
    {
        await using var host = await EmulatorHost.StartAsync(Function(restore: "snapshot-error"));
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(host.Lines.Any(l => InitReportLine.TryParse(l, out var r)
            && r!.ErrorType == LambdaErrorTypes.BeforeSnapshotError)), Wait, "INIT_REPORT of the failed snapshot init");

        // Nothing is held, so the invoke initializes for itself, and its init fails the same way.
        using var response = await host.InvokeAsync("fn", """{"action":"hooks"}""", tail: true);
        var error = await EmulatorHost.ErrorBodyAsync(response);
        var tail = TailLog.FromHeader(response.Headers.GetValues(InvokeApi.Headers.LogResult).Single());

        Assert.Equal(LambdaErrorTypes.BeforeSnapshotError, error.GetProperty("errorType").GetString());
        Assert.Equal(LambdaErrorTypes.BeforeSnapshotError, tail.InitReport!.ErrorType);
        Assert.Equal("error", tail.InitReport.Status);
    }

    [Fact]
    public async Task Concurrent_cold_starts_beyond_the_held_environment_initialize_then_restore_and_all_report_a_restore()
    {
        await using var host = await EmulatorHost.StartAsync(Function());
        await WaitHeldAsync(host);

        var invokes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => InvokeAsync(host, """{"action":"sleep","ms":1000}""")));

        foreach (var (response, _, tail) in invokes)
        {
            using (response)
            {
                Assert.NotNull(tail.Report!.RestoreDurationMs); // each cold start is a restore, never an on-demand init
                Assert.Null(tail.Report.InitDurationMs);
                Assert.Contains(AfterRestoreLine, tail.Lines);
            }
        }

        Assert.Equal(2, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
    }

    [Fact]
    public async Task A_runtime_that_calls_next_without_restore_next_under_snap_start_fails_its_init()
    {
        // A bash custom runtime that knows nothing of SnapStart: it cannot be snapshotted, so its init fails by name.
        var config = new Dictionary<string, string?>
        {
            ["Lambda:Functions:fn:Command"] = Path.Combine(Paths.FunctionsDir, "http-response.sh"),
            ["Lambda:Functions:fn:SnapStart"] = "true",
        };
        await using var host = await EmulatorHost.StartAsync(config);

        using var response = await host.InvokeAsync("fn", "{}", tail: true);
        var error = await EmulatorHost.ErrorBodyAsync(response);

        Assert.Equal(RuntimeApi.ErrorTypes.InvalidStateTransition, error.GetProperty("errorType").GetString());
        Assert.Contains(RuntimeApi.RestoreNextPath, error.GetProperty("errorMessage").GetString());
        Assert.Equal("error", TailLog.FromHeader(response.Headers.GetValues(InvokeApi.Headers.LogResult).Single()).InitReport!.Status);
    }

    [Fact]
    public async Task GetFunctionConfiguration_reports_SnapStart_and_UpdateFunctionConfiguration_turns_it_on_and_refuses_bad_values()
    {
        await using var host = await EmulatorHost.StartAsync(Function(snapStart: false));
        var config = await host.Client.GetFromJsonAsync<JsonElement>(FunctionsApi.ConfigurationPath("fn"));
        Assert.Equal(FunctionsApi.SnapStartApplyOn.None, config.GetProperty("SnapStart").GetProperty("ApplyOn").GetString());
        Assert.Equal(FunctionsApi.SnapStartOptimizationStatus.Off, config.GetProperty("SnapStart").GetProperty("OptimizationStatus").GetString());

        using (var bad = await PutAsync(host, """{"SnapStart":{"ApplyOn":"Always"}}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("snapStart.applyOn", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var on = await PutAsync(host, """{"SnapStart":{"ApplyOn":"PublishedVersions"}}"""))
        {
            var updated = JsonDocument.Parse(await on.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
            Assert.Equal(FunctionsApi.SnapStartApplyOn.PublishedVersions, updated.GetProperty("SnapStart").GetProperty("ApplyOn").GetString());
            Assert.Equal(FunctionsApi.SnapStartOptimizationStatus.On, updated.GetProperty("SnapStart").GetProperty("OptimizationStatus").GetString());
        }

        await WaitHeldAsync(host); // the new configuration holds an environment ahead of traffic
        var (response, _, tail) = await InvokeAsync(host, """{"action":"hooks"}""");
        using (response)
        {
            Assert.NotNull(tail.Report!.RestoreDurationMs);
        }
    }

    private static Task<HttpResponseMessage> PutAsync(EmulatorHost host, string json) =>
        host.Client.PutAsync(FunctionsApi.ConfigurationPath("fn"), new StringContent(json, Encoding.UTF8, "application/json"));
}
