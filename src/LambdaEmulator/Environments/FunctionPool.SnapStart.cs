using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Environments;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;
using SnapStartType = LlamaAspire.LambdaContracts.LambdaEnvironmentVariables.InitializationTypes;

/// <summary>
/// SnapStart, emulated without a memory snapshot: an environment is initialized ahead of traffic with
/// <c>AWS_LAMBDA_INITIALIZATION_TYPE=snap-start</c> and held (frozen) at <c>restore/next</c>; a cold start "restores" it by
/// answering that call, and the time until the runtime's next <c>/next</c> (its after-restore hooks) is the Restore Duration.
/// Each restore consumes the held environment and another is initialized to replace it. A cold start that finds none held
/// initializes one itself, then restores it at once. README: SnapStart.
/// </summary>
public sealed partial class FunctionPool
{
    /// <summary>Environments held for restores. One: the emulator's stand-in for the version's single snapshot.</summary>
    private const int HeldSnapshots = 1;

    /// <summary>Environments being initialized in the background to be held: not an invoke's, so not counted as concurrency.</summary>
    private readonly HashSet<ExecutionEnvironment> _snapshotInits = [];

    /// <summary>Environments initialized in the background and held for any cold start (one a cold start initialized for
    /// itself is never here: nobody else may restore it).</summary>
    private readonly HashSet<ExecutionEnvironment> _held = [];

    /// <summary>Takes a held environment of <paramref name="current"/> for <paramref name="completion"/>, or null. Call under the lock.</summary>
    private ExecutionEnvironment? TryRestoreHeld(FunctionOptions current, InvokeCompletion completion)
    {
        if (!current.SnapStart)
        {
            return null;
        }

        _held.RemoveWhere(e => !e.Lifecycle.IsAlive);
        var taken = _held.FirstOrDefault(e => e.Context.Function == current && e.TryBeginRestore(completion));
        if (taken is not null)
        {
            _held.Remove(taken);
        }

        return taken;
    }

    /// <summary>Held or being initialized to be held, for the current configuration. Call under the lock.</summary>
    private int SnapshotsHeldOrComing(FunctionOptions current) =>
        _snapshotInits.Count(e => e.Context.Function == current)
        + _held.Count(e => e.State == EnvironmentState.Snapshotted && e.Context.Function == current && !e.RetireAfterInvoke);

    /// <summary>Initializes environments to hold until <see cref="HeldSnapshots"/> are held (a pass of <see cref="ProvisionAsync"/>).</summary>
    private async Task ReplenishSnapshotsAsync()
    {
        int missing;
        lock (Emulator.Lock)
        {
            missing = _stopping || !Options.SnapStart ? 0 : HeldSnapshots - SnapshotsHeldOrComing(Options);
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Max(0, missing)).Select(_ => InitSnapshotAsync())).ConfigureAwait(false);
    }

    /// <summary>One background snapshot init: INIT_START (Init Type: snap-start), init until <c>restore/next</c>, INIT_REPORT.</summary>
    private async Task InitSnapshotAsync()
    {
        var context = NewContext();
        var host = await Emulator.Hosts.RentAsync().ConfigureAwait(false);
        var env = new ExecutionEnvironment(context, host, SnapStartType.SnapStart);
        lock (Emulator.Lock)
        {
            if (!_stopping)
            {
                _environments.Add(env);
                _snapshotInits.Add(env);
            }
        }

        if (_stopping)
        {
            await ShutdownEnvironmentAsync(env).ConfigureAwait(false);
            return;
        }

        using var initSpan = StartInitSpan(env, default);
        var start = Stopwatch.GetTimestamp();
        InitResult result = new InitResult.Exited("the snapshot init did not run"); // replaced below unless it throws
        try
        {
            Emulator.Log.InitStart(null, env.InitializationType);
            env.StartProcess(TraceParent(initSpan, null));
            // Like a published version's init, ahead of traffic: no invoke to retry it in, the function timeout bounds it.
            result = await env.WaitInitAsync(TimeSpan.FromSeconds(Math.Max(Emulator.Options.InitTimeout, context.Function.Timeout))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            result = new InitResult.Failed([], LambdaErrorTypes.InvalidEntrypoint);
            Emulator.Log.FunctionOutput(null, $"cannot start '{context.Function.Command}': {ex.Message}");
        }
        finally
        {
            lock (Emulator.Lock)
            {
                _snapshotInits.Remove(env);
                if (result is InitResult.Ready)
                {
                    _held.Add(env);
                }
            }
        }

        var initMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Emulator.Telemetry.InitDuration.Record(initMs / 1000.0, EmulatorTelemetry.Tags(Name, FaasAttributes.Triggers.Other));
        var (status, errorType) = InitStatus(result);
        initSpan?.SetTag(FaasAttributes.InitStatus, status);
        Emulator.Log.InitReport(null, new InitReportLine(initMs, InitReportLine.InitPhase, status, errorType));
        if (result is InitResult.Ready)
        {
            return;
        }

        // The next cold start initializes for itself (and reports the error to its caller); no retry loop here.
        initSpan?.SetStatus(ActivityStatusCode.Error, errorType);
        lock (Emulator.Lock)
        {
            _environments.Remove(env);
        }

        await env.KillAndWaitAsync(KillReason.Shutdown).ConfigureAwait(false);
        await ShutdownEnvironmentAsync(env).ConfigureAwait(false);
    }

    /// <summary>INIT_REPORT's Status and Error Type for an init result.</summary>
    /// <summary>A cold start that restored a held environment: hold another, restore, invoke, release.</summary>
    private async Task RunRestoreAsync(InvokeCompletion completion, ExecutionEnvironment env)
    {
        Interlocked.Increment(ref _coldStarts);
        Emulator.Telemetry.ColdStarts.Add(1, EmulatorTelemetry.Tags(Name, completion.Request.Trigger));
        _ = ProvisionAsync(); // the held environment is consumed: start holding another now
        using var span = StartInvokeSpan(completion.Request, env.Context.Function, cold: true, out var traceHeader);
        try
        {
            await RestoreAndInvokeAsync(completion, env, span, traceHeader).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Abandon(completion, env, ex);
        }
        finally
        {
            await ReleaseAsync(env).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the restore the caller began (<see cref="ExecutionEnvironment.TryBeginRestore"/>), then runs the invoke with
    /// Restore Duration in its REPORT. A failed restore (<c>restore/error</c>, exit, the init limit) fails the invoke as Lambda
    /// does, with the runtime's error, and the environment is discarded.
    /// </summary>
    private async Task RestoreAndInvokeAsync(InvokeCompletion completion, ExecutionEnvironment env, Activity? invokeSpan, string traceHeader)
    {
        var request = completion.Request;
        var start = Stopwatch.GetTimestamp();
        InitResult result;
        using (var restoreSpan = EmulatorTelemetry.Source.StartActivity(PlatformTelemetry.RestoreSpan, ActivityKind.Internal, request.ParentContext))
        {
            restoreSpan?.SetTag(FaasAttributes.Name, Name);
            restoreSpan?.SetTag(FaasAttributes.InvocationId, request.RequestId);
            restoreSpan?.SetTag(FaasAttributes.CloudResourceId, Arn.ToString());
            // Lambda bounds the restore phase (after-restore hooks) like the init phase.
            result = await env.WaitRestoreAsync(TimeSpan.FromSeconds(Emulator.Options.InitTimeout)).ConfigureAwait(false);
            var (status, errorType) = InitStatus(result);
            restoreSpan?.SetTag(FaasAttributes.InitStatus, status);
            if (errorType is not null)
            {
                restoreSpan?.SetStatus(ActivityStatusCode.Error, errorType);
            }
        }

        var restoreMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var functionTimeoutMs = env.Context.Function.Timeout * 1000.0;
        if (result is InitResult.Ready)
        {
            await InvokeAsync(completion, env, invokeSpan, traceHeader, new ColdStart(null, restoreMs), functionTimeoutMs).ConfigureAwait(false);
            return;
        }

        await FailStartAsync(completion, env, invokeSpan, result, restoreMs, new ColdStart(null, restoreMs)).ConfigureAwait(false);
    }
}
