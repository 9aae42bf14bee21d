using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Environments;

using Statuses = LlamaAspire.LambdaContracts.Functions.FunctionsApi.ProvisionedConcurrencyStatuses;

/// <summary>
/// Provisioned concurrency: N environments initialized ahead of traffic (<c>AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency</c>,
/// <c>INIT_START … Init Type: provisioned-concurrency</c>), kept warm (the idle timeout never ends them), and chosen before
/// on-demand ones; invokes beyond them spill over to on-demand environments, which cold-start as usual. An environment that
/// dies, a recycle or a configuration update is followed by provisioning again, as Lambda replaces provisioned environments.
/// </summary>
public sealed partial class FunctionPool
{
    private Task _provisioning = Task.CompletedTask;
    private int _provisionedConcurrency;
    private string? _provisionedQualifier;
    private string? _provisioningFailure;
    private DateTimeOffset _provisionedModified = DateTimeOffset.UtcNow;
    private volatile bool _stopping;

    /// <summary>Requested provisioned environments (0: none).</summary>
    public int ProvisionedConcurrency
    {
        get
        {
            lock (Emulator.Lock)
            {
                return _provisionedConcurrency;
            }
        }
    }

    /// <summary>Provisioned environments of the current configuration that finished init and are alive. Call under the lock.</summary>
    private int ProvisionedReady(FunctionOptions current) => _environments.Count(e =>
        e.Provisioned && e.Context.Function == current && !e.RetireAfterInvoke && e.Lifecycle.IsAlive && !e.IsInitializing);

    /// <summary>GetProvisionedConcurrencyConfig's answer, or null when none is configured.</summary>
    public ProvisionedConcurrencyConfig? DescribeProvisioned()
    {
        lock (Emulator.Lock)
        {
            if (_provisionedConcurrency == 0)
            {
                return null;
            }

            var ready = Math.Min(ProvisionedReady(Options), _provisionedConcurrency);
            var status = ready >= _provisionedConcurrency ? Statuses.Ready : _provisioningFailure is null ? Statuses.InProgress : Statuses.Failed;
            return new ProvisionedConcurrencyConfig(_provisionedConcurrency, ready, ready, status,
                status == Statuses.Failed ? _provisioningFailure : null,
                _provisionedModified.UtcDateTime.ToString(FunctionsApi.TimestampFormat, CultureInfo.InvariantCulture),
                _provisionedQualifier is null ? Arn.ToString() : Arn.WithQualifier(_provisionedQualifier).ToString());
        }
    }

    /// <summary>PutProvisionedConcurrencyConfig (a count) and DeleteProvisionedConcurrencyConfig (0); provisioning runs in the background.</summary>
    public void SetProvisionedConcurrency(int count, string? qualifier)
    {
        lock (Emulator.Lock)
        {
            _provisionedConcurrency = count;
            _provisionedQualifier = count == 0 ? null : qualifier;
            _provisioningFailure = null;
            _provisionedModified = DateTimeOffset.UtcNow;
        }

        _ = ProvisionAsync();
    }

    /// <summary>
    /// Brings the provisioned environments of the current configuration to the requested count: initializes the missing ones
    /// side by side (as Lambda does) and ends the excess (idle ones now, busy ones after their invoke).
    /// </summary>
    public Task ProvisionAsync()
    {
        // One pass at a time (startup, the API, a recycle and a replacement may ask at once): each pass counts what the last left.
        lock (Emulator.Lock)
        {
            return _provisioning = _provisioning.ContinueWith(_ => ProvisionOnceAsync(), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task ProvisionOnceAsync()
    {
        try
        {
            int missing;
            List<ExecutionEnvironment> excess = [];
            lock (Emulator.Lock)
            {
                if (_stopping)
                {
                    return;
                }

                var current = Options;
                var mine = _environments.Where(e => e.Provisioned && e.Context.Function == current && !e.RetireAfterInvoke && e.Lifecycle.IsAlive)
                    .OrderBy(e => e.Lifecycle.IsIdle ? 0 : 1).ToList();
                missing = _provisionedConcurrency - mine.Count;
                foreach (var e in mine.Take(Math.Max(0, -missing)))
                {
                    if (e.Lifecycle.IsIdle)
                    {
                        _environments.Remove(e);
                        excess.Add(e);
                    }
                    else
                    {
                        e.RetireAfterInvoke = true;
                    }
                }
            }

            await Task.WhenAll(excess.Select(ShutdownEnvironmentAsync)).ConfigureAwait(false);
            await Task.WhenAll(Enumerable.Range(0, Math.Max(0, missing)).Select(_ => InitProvisionedAsync())).ConfigureAwait(false);
            await ReplenishSnapshotsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            lock (Emulator.Lock)
            {
                _provisioningFailure = $"The emulator could not provision an environment: {ex.Message}";
            }
        }
    }

    private async Task InitProvisionedAsync()
    {
        var context = NewContext();
        var host = await Emulator.Hosts.RentAsync().ConfigureAwait(false);
        var env = new ExecutionEnvironment(context, host, LambdaEnvironmentVariables.InitializationTypes.ProvisionedConcurrency);
        lock (Emulator.Lock)
        {
            if (!_stopping)
            {
                _environments.Add(env);
            }
        }

        if (_stopping)
        {
            // The emulator stopped while this pass rented a host: nothing to initialize for.
            await ShutdownEnvironmentAsync(env).ConfigureAwait(false);
            return;
        }

        using var initSpan = StartInitSpan(env, default);
        var start = Stopwatch.GetTimestamp();
        InitResult result;
        try
        {
            Emulator.Log.InitStart(null, env.InitializationType);
            env.StartProcess(TraceParent(initSpan, null));
            // Ahead of traffic there is no invoke to retry init inside (no suppressed init): the function timeout bounds it.
            result = await env.WaitInitAsync(TimeSpan.FromSeconds(Math.Max(Emulator.Options.InitTimeout, context.Function.Timeout))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            result = new InitResult.Failed([], $"{LambdaErrorTypes.InvalidEntrypoint}: cannot start '{context.Function.Command}': {ex.Message}");
        }

        var initMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Emulator.Telemetry.InitDuration.Record(initMs / 1000.0, EmulatorTelemetry.Tags(Name, FaasAttributes.Triggers.Other));
        if (result is InitResult.Ready)
        {
            initSpan?.SetTag(FaasAttributes.InitStatus, "success");
            return;
        }

        var (status, errorType) = result switch
        {
            InitResult.Failed f => ("error", f.ErrorType),
            InitResult.Exited => ("error", LambdaErrorTypes.ExitError),
            _ => ("timeout", LambdaErrorTypes.Timeout),
        };
        initSpan?.SetTag(FaasAttributes.InitStatus, status);
        initSpan?.SetStatus(ActivityStatusCode.Error, errorType);
        Emulator.Log.InitReport(null, new InitReportLine(initMs, InitReportLine.InitPhase, status, errorType));
        lock (Emulator.Lock)
        {
            _environments.Remove(env);
            _provisioningFailure = $"FUNCTION_ERROR_INIT_FAILURE: init of a provisioned environment ended with {status} ({errorType}).";
        }

        await env.KillAndWaitAsync(KillReason.Shutdown).ConfigureAwait(false);
        await ShutdownEnvironmentAsync(env).ConfigureAwait(false);
    }
}
