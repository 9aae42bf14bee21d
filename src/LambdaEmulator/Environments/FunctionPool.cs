using System.Diagnostics;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Environments;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;

/// <summary>Concurrency exhausted: the Invoke API answers 429 TooManyRequestsException with this reason.</summary>
public sealed class ThrottledException(string reason) : Exception("Rate Exceeded.")
{
    public string Reason { get; } = reason;
}

/// <summary>
/// One function's execution environments: reuses an idle one, starts another when all are busy (cold start), enforces reserved
/// and account concurrency, and runs each invoke through init, START/END/REPORT and telemetry. Which environments are busy is
/// their lifecycle state, read under the emulator-wide lock.
/// </summary>
public sealed partial class FunctionPool
{
    private readonly List<ExecutionEnvironment> _environments = [];
    private int _pendingColdStarts;
    private long _invocations, _coldStarts, _errors, _timeouts, _throttles;

    public FunctionPool(string name, FunctionOptions options, Emulator emulator)
    {
        Name = name;
        _options = options;
        _reservedConcurrency = options.ReservedConcurrency;
        _provisionedConcurrency = options.ProvisionedConcurrency;
        Emulator = emulator;
        Arn = FunctionArn.For(emulator.Options.Region, emulator.Options.AccountId, name);
        _revision = FunctionRevision.Initial();
        _code = new Lazy<FunctionCode>(() => FunctionCode.Of(options));
    }

    public string Name { get; }
    public Emulator Emulator { get; }
    public FunctionArn Arn { get; }
    public long InvocationCount => Interlocked.Read(ref _invocations);
    public long ColdStartCount => Interlocked.Read(ref _coldStarts);
    public long ErrorCount => Interlocked.Read(ref _errors);
    public long TimeoutCount => Interlocked.Read(ref _timeouts);
    public long ThrottleCount => Interlocked.Read(ref _throttles);

    /// <summary>Environments initializing for, restoring for or running an invoke: this function's concurrency (a SnapStart
    /// environment initializing ahead of traffic is nobody's yet). Call under the lock.</summary>
    public int InUse => _environments.Count(e => e.Lifecycle.IsInUse && !_snapshotInits.Contains(e)) + _pendingColdStarts;

    public IReadOnlyList<ExecutionEnvironment> Environments
    {
        get
        {
            lock (Emulator.Lock)
            {
                return [.. _environments];
            }
        }
    }

    public (int Live, int Busy) Counts
    {
        get
        {
            lock (Emulator.Lock)
            {
                return (_environments.Count(e => e.Lifecycle.IsAlive) + _pendingColdStarts, InUse);
            }
        }
    }

    private EnvironmentContext NewContext() => new(
        Name, Options, Arn, Emulator.Options.Freeze, TimeSpan.FromSeconds(Emulator.Options.ShutdownGracePeriod),
        Emulator.Log, Emulator.Limits, Emulator.Guard, Emulator.Lock);

    /// <summary>Starts an invoke; throws <see cref="ThrottledException"/> when no environment may take it.</summary>
    public InvokeCompletion StartInvoke(InvokeRequest request)
    {
        var completion = new InvokeCompletion(request, CountEnd);
        ExecutionEnvironment? warm = null, restoring = null;
        lock (Emulator.Lock)
        {
            // Only environments of the current configuration: after an update, the next invoke is cold. Provisioned ones first.
            var current = Options;
            foreach (var candidate in _environments.Where(e => e.Lifecycle.IsIdle && !e.RetireAfterInvoke && e.Context.Function == current)
                .OrderByDescending(e => e.Provisioned).ThenByDescending(e => e.LastUsedAt))
            {
                if (candidate.TryReserve())
                {
                    warm = candidate;
                    break;
                }
            }

            if (warm is null)
            {
                if (_reservedConcurrency is { } reserved && InUse >= reserved)
                {
                    throw Throttle(InvokeApi.Exceptions.ReservedConcurrencyReason);
                }

                if (Emulator.TotalInUse() >= Emulator.Options.AccountConcurrency)
                {
                    throw Throttle(InvokeApi.Exceptions.AccountConcurrencyReason);
                }

                // SnapStart: a cold start restores the held environment when there is one.
                restoring = TryRestoreHeld(current, completion);
                if (restoring is null)
                {
                    _pendingColdStarts++;
                }
            }
        }

        // Counted when accepted, so a caller that has its answer sees its invoke counted (REPORT and metrics come after it).
        Interlocked.Increment(ref _invocations);
        _ = warm is not null ? RunWarmAsync(completion, warm)
            : restoring is not null ? RunRestoreAsync(completion, restoring)
            : RunColdAsync(completion);
        return completion;
    }

    /// <summary>The management API's error and timeout counters, updated as an invoke ends (before its caller is answered).</summary>
    private void CountEnd(InvocationOutcome outcome)
    {
        if (outcome.Status != InvocationStatus.Success)
        {
            Interlocked.Increment(ref _errors);
        }

        if (outcome.Status == InvocationStatus.Timeout)
        {
            Interlocked.Increment(ref _timeouts);
        }
    }

    private ThrottledException Throttle(string reason)
    {
        Interlocked.Increment(ref _throttles);
        Emulator.Telemetry.Throttles.Add(1, EmulatorTelemetry.Tags(Name, FaasAttributes.Triggers.Other));
        return new ThrottledException(reason);
    }

    private async Task RunWarmAsync(InvokeCompletion completion, ExecutionEnvironment env)
    {
        using var span = StartInvokeSpan(completion.Request, env.Context.Function, cold: false, out var traceHeader);
        try
        {
            await InvokeAsync(completion, env, span, traceHeader, default, env.Context.Function.Timeout * 1000.0).ConfigureAwait(false);
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

    private async Task RunColdAsync(InvokeCompletion completion)
    {
        var context = NewContext();
        using var span = StartInvokeSpan(completion.Request, context.Function, cold: true, out var traceHeader);
        ExecutionEnvironment? env = null;
        try
        {
            var host = await Emulator.Hosts.RentAsync().ConfigureAwait(false);
            env = new ExecutionEnvironment(context, host, context.Function.SnapStart
                ? LambdaEnvironmentVariables.InitializationTypes.SnapStart
                : LambdaEnvironmentVariables.InitializationTypes.OnDemand);
            lock (Emulator.Lock)
            {
                _pendingColdStarts--;
                _environments.Add(env);
            }

            if (await InitAsync(completion, env, span).ConfigureAwait(false) is { } init)
            {
                if (env.SnapStart)
                {
                    // No environment was held: this one was initialized (and "snapshotted") for the invoke; restore it at once,
                    // and hold another for the next cold start (the held one may have died, or been taken by a concurrent one).
                    _ = ProvisionAsync();
                    lock (Emulator.Lock)
                    {
                        if (!env.TryBeginRestore(completion))
                        {
                            throw new InvalidOperationException($"The environment initialized for SnapStart is {env.State}, not held at restore/next.");
                        }
                    }

                    await RestoreAndInvokeAsync(completion, env, span, traceHeader).ConfigureAwait(false);
                }
                else
                {
                    await InvokeAsync(completion, env, span, traceHeader, new ColdStart(init.DurationMs, null), init.BudgetMs).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (env is null)
        {
            lock (Emulator.Lock)
            {
                _pendingColdStarts--;
            }

            completion.TryEnd(new InvocationOutcome(InvocationStatus.Error, InvokeApi.Exceptions.Service),
                InvocationResponse.Platform(InvokeApi.Exceptions.Service, ex.Message));
            completion.Complete(completion.Ended.Result, new ReportLine(completion.Request.RequestId, 0, 0, context.Function.MemorySize, 0));
        }
        catch (Exception ex) when (env is not null)
        {
            Abandon(completion, env, ex);
        }
        finally
        {
            if (env is not null)
            {
                await ReleaseAsync(env).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An emulator fault mid-invoke: the caller gets a ServiceException and the environment is discarded.</summary>
    private void Abandon(InvokeCompletion completion, ExecutionEnvironment env, Exception ex)
    {
        var requestId = completion.Request.RequestId;
        Emulator.Log.ForRequest(completion.Log, requestId, $"emulator error: {ex.Message}");
        var outcome = new InvocationOutcome(InvocationStatus.Error, InvokeApi.Exceptions.Service);
        completion.TryEnd(outcome, InvocationResponse.Platform(InvokeApi.Exceptions.Service, ex.Message));
        completion.Complete(outcome, new ReportLine(requestId, 0, 0, env.Context.Function.MemorySize, 0));
        env.Kill();
    }

    private Activity? StartInvokeSpan(InvokeRequest request, FunctionOptions settings, bool cold, out string traceHeader)
    {
        var arn = Arn.ToString();
        var span = EmulatorTelemetry.Source.StartActivity(PlatformTelemetry.InvokeSpan, ActivityKind.Server, request.ParentContext);
        span?.SetTag(FaasAttributes.Name, Name);
        span?.SetTag(FaasAttributes.InvocationId, request.RequestId);
        span?.SetTag(FaasAttributes.ColdStart, cold);
        span?.SetTag(FaasAttributes.Trigger, request.Trigger);
        span?.SetTag(FaasAttributes.MaxMemory, LambdaLimits.MemoryBytes(settings.MemorySize));
        span?.SetTag(FaasAttributes.CloudProvider, FaasAttributes.AwsProvider);
        span?.SetTag(FaasAttributes.CloudPlatform, FaasAttributes.AwsLambdaPlatform);
        span?.SetTag(FaasAttributes.CloudRegion, Arn.Region);
        span?.SetTag(FaasAttributes.CloudAccountId, Arn.AccountId);
        span?.SetTag(FaasAttributes.CloudResourceId, arn);
        span?.SetTag(FaasAttributes.InvokedArn, arn);
        var traceId = span?.TraceId ?? (request.ParentContext.TraceId != default ? request.ParentContext.TraceId : ActivityTraceId.CreateRandom());
        traceHeader = XRayTraceHeader.Format(traceId, span?.SpanId ?? ActivitySpanId.CreateRandom());
        return span;
    }

    /// <summary>What REPORT says of the cold start an invoke caused: its init (on demand) or its restore (SnapStart); neither when warm.</summary>
    private readonly record struct ColdStart(double? InitDurationMs, double? RestoreDurationMs);

    /// <summary>Runs the invoke on an initialized, reserved environment: START, delivery, END, REPORT, metrics.</summary>
    private async Task InvokeAsync(InvokeCompletion completion, ExecutionEnvironment env, Activity? span, string traceHeader, ColdStart coldStart, double budgetMs)
    {
        var request = completion.Request;
        var message = new InvokeMessage(request.RequestId, request.Payload,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)budgetMs, Arn.ToString(), traceHeader, request.ClientContext);
        var delivery = new Delivery(message, completion, Stopwatch.GetTimestamp());
        env.AttachLog(completion);
        Emulator.Log.Start(completion.Log, request.RequestId, InvokeApi.LatestVersion);
        env.Deliver(delivery, TimeSpan.FromMilliseconds(Math.Max(1, budgetMs)));
        var outcome = await completion.Ended.ConfigureAwait(false);
        var durationMs = Stopwatch.GetElapsedTime(delivery.StartTimestamp).TotalMilliseconds;
        if (request.TailLog)
        {
            // The function's last lines belong in its own tail, before END/REPORT.
            await env.DrainOutputAsync().ConfigureAwait(false);
        }

        Finish(completion, env, span, outcome, durationMs, coldStart);
    }

    private void Finish(InvokeCompletion completion, ExecutionEnvironment env, Activity? span, InvocationOutcome outcome, double durationMs, ColdStart coldStart)
    {
        var requestId = completion.Request.RequestId;
        var peak = env.MeasurePeakMemory();
        // On demand, the init is billed with the invoke; a SnapStart restore is billed on its own line.
        var report = new ReportLine(requestId, durationMs, Math.Ceiling(durationMs + (coldStart.InitDurationMs ?? 0)), env.Context.Function.MemorySize,
            (long)Math.Ceiling(peak / (1024.0 * 1024.0)))
        {
            InitDurationMs = coldStart.InitDurationMs,
            RestoreDurationMs = coldStart.RestoreDurationMs,
            BilledRestoreDurationMs = coldStart.RestoreDurationMs is { } restore ? Math.Ceiling(restore) : null,
            Status = outcome.Status switch
            {
                InvocationStatus.Timeout => "timeout",
                InvocationStatus.Crash or InvocationStatus.OutOfMemory => "error",
                _ => null,
            },
            ErrorType = outcome.Status is InvocationStatus.Crash or InvocationStatus.OutOfMemory ? outcome.ErrorType : null,
        };
        Emulator.Log.End(completion.Log, requestId);
        Emulator.Log.Report(completion.Log, report);
        Record(completion.Request, span, outcome, durationMs, peak);
        completion.Complete(outcome, report);
    }

    private void Record(InvokeRequest request, Activity? span, InvocationOutcome outcome, double durationMs, long peak)
    {
        var tags = EmulatorTelemetry.Tags(Name, request.Trigger);
        var telemetry = Emulator.Telemetry;
        telemetry.Invocations.Add(1, tags);
        telemetry.InvokeDuration.Record(durationMs / 1000.0, tags);
        if (peak > 0)
        {
            telemetry.MemUsage.Record(peak, tags);
        }

        if (outcome.Status != InvocationStatus.Success)
        {
            telemetry.Errors.Add(1, tags);
            span?.SetStatus(ActivityStatusCode.Error, outcome.ErrorType);
            span?.SetTag(FaasAttributes.ErrorType, outcome.ErrorType);
        }

        if (outcome.Status == InvocationStatus.Timeout)
        {
            telemetry.Timeouts.Add(1, tags);
        }

        span?.SetTag(FaasAttributes.Status, outcome.Status switch
        {
            InvocationStatus.Success => "success",
            InvocationStatus.Timeout => "timeout",
            InvocationStatus.Error => "error",
            _ => "failure",
        });
        span?.SetTag(FaasAttributes.MaxMemoryUsed, peak);
    }
}
