using System.Diagnostics;
using System.Globalization;
using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>Concurrency exhausted: the Invoke API answers 429 TooManyRequestsException with this reason.</summary>
public sealed class ThrottledException(string reason) : Exception("Rate Exceeded.")
{
    public string Reason { get; } = reason;
}

/// <summary>
/// One function's execution environments: reuses a warm one, starts another when all are busy (cold start),
/// enforces reserved and account concurrency, and runs each invoke through init, START/END/REPORT and telemetry.
/// </summary>
public sealed partial class FunctionPool
{
    private readonly List<ExecutionEnvironment> _environments = [];
    private readonly HashSet<ExecutionEnvironment> _reserved = [];
    private int _pendingColdStarts;
    private long _invocations, _coldStarts, _errors, _timeouts, _throttles;

    public FunctionPool(string name, FunctionOptions options, Emulator emulator)
    {
        Name = name;
        Options = options;
        Emulator = emulator;
        Arn = $"arn:aws:lambda:{emulator.Options.Region}:{emulator.Options.AccountId}:function:{name}";
    }

    public string Name { get; }
    public FunctionOptions Options { get; }
    public Emulator Emulator { get; }
    public string Arn { get; }
    public long InvocationCount => Interlocked.Read(ref _invocations);
    public long ColdStartCount => Interlocked.Read(ref _coldStarts);
    public long ErrorCount => Interlocked.Read(ref _errors);
    public long TimeoutCount => Interlocked.Read(ref _timeouts);
    public long ThrottleCount => Interlocked.Read(ref _throttles);

    /// <summary>Environments running (or initializing for) an invoke: this function's concurrency.</summary>
    public int InUse => _reserved.Count + _pendingColdStarts;

    public IReadOnlyList<ExecutionEnvironment> Environments
    {
        get
        {
            lock (Emulator.Lock)
                return [.. _environments];
        }
    }

    public (int Live, int Busy) Counts
    {
        get
        {
            lock (Emulator.Lock)
                return (_environments.Count(e => e.IsAlive) + _pendingColdStarts, InUse);
        }
    }

    /// <summary>Starts an invoke; throws <see cref="ThrottledException"/> when no environment may take it.</summary>
    public Task StartInvoke(Invocation invocation)
    {
        ExecutionEnvironment? warm;
        lock (Emulator.Lock)
        {
            warm = _environments
                .Where(e => !_reserved.Contains(e) && !e.RetireAfterInvoke && e.IsIdle)
                .MaxBy(e => e.LastUsedAt);
            if (warm is not null)
            {
                _reserved.Add(warm);
            }
            else
            {
                if (Options.ReservedConcurrency is { } reserved && InUse >= reserved)
                    throw Throttle("ReservedFunctionConcurrentInvocationLimitExceeded");
                if (Emulator.TotalInUse() >= Emulator.Options.AccountConcurrency)
                    throw Throttle("ConcurrentInvocationLimitExceeded");
                _pendingColdStarts++;
            }
        }
        return warm is not null ? RunWarmAsync(invocation, warm) : RunColdAsync(invocation);
    }

    private ThrottledException Throttle(string reason)
    {
        Interlocked.Increment(ref _throttles);
        Emulator.Telemetry.Throttles.Add(1, EmulatorTelemetry.Tags(Name, "other"));
        return new ThrottledException(reason);
    }

    private async Task RunWarmAsync(Invocation invocation, ExecutionEnvironment env)
    {
        using var span = StartInvokeSpan(invocation, cold: false);
        try
        {
            await InvokeAsync(invocation, env, span, Options.Timeout * 1000.0).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Abandon(invocation, env, ex);
        }
        finally
        {
            await ReleaseAsync(env).ConfigureAwait(false);
        }
    }

    private async Task RunColdAsync(Invocation invocation)
    {
        using var span = StartInvokeSpan(invocation, cold: true);
        ExecutionEnvironment? env = null;
        try
        {
            var host = await Emulator.Hosts.RentAsync().ConfigureAwait(false);
            env = new ExecutionEnvironment(this, host);
            lock (Emulator.Lock)
            {
                _pendingColdStarts--;
                _environments.Add(env);
                _reserved.Add(env);
            }
            var budgetMs = await InitAsync(invocation, env, span).ConfigureAwait(false);
            if (budgetMs is { } budget)
                await InvokeAsync(invocation, env, span, budget).ConfigureAwait(false);
        }
        catch (Exception ex) when (env is null)
        {
            lock (Emulator.Lock)
                _pendingColdStarts--;
            invocation.FailResponse("ServiceException", ex.Message);
            invocation.Done.TrySetResult(new InvocationOutcome(InvocationStatus.Error, "ServiceException"));
        }
        catch (Exception ex) when (env is not null)
        {
            Abandon(invocation, env, ex);
        }
        finally
        {
            if (env is not null)
                await ReleaseAsync(env).ConfigureAwait(false);
        }
    }

    /// <summary>An emulator fault mid-invoke: the caller gets a ServiceException and the environment is discarded.</summary>
    private void Abandon(Invocation invocation, ExecutionEnvironment env, Exception ex)
    {
        Emulator.Log.Write($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {invocation.RequestId} emulator error: {ex.Message}");
        invocation.FailResponse("ServiceException", ex.Message);
        invocation.Done.TrySetResult(new InvocationOutcome(InvocationStatus.Error, "ServiceException"));
        env.Kill();
    }

    private Activity? StartInvokeSpan(Invocation invocation, bool cold)
    {
        invocation.InvokedFunctionArn = Arn;
        var span = EmulatorTelemetry.Source.StartActivity("platform.invoke", ActivityKind.Server, invocation.ParentContext);
        span?.SetTag("faas.name", Name);
        span?.SetTag("faas.invocation_id", invocation.RequestId);
        span?.SetTag("faas.coldstart", cold);
        span?.SetTag("faas.trigger", invocation.Trigger);
        span?.SetTag("faas.max_memory", (long)Options.MemorySize * 1024 * 1024);
        span?.SetTag("cloud.provider", "aws");
        span?.SetTag("cloud.platform", "aws_lambda");
        span?.SetTag("cloud.region", Emulator.Options.Region);
        span?.SetTag("cloud.account.id", Emulator.Options.AccountId);
        span?.SetTag("cloud.resource_id", Arn);
        span?.SetTag("aws.lambda.invoked_arn", Arn);
        var traceId = span?.TraceId ?? (invocation.ParentContext.TraceId != default ? invocation.ParentContext.TraceId : ActivityTraceId.CreateRandom());
        var spanId = span?.SpanId ?? ActivitySpanId.CreateRandom();
        invocation.TraceHeader = XRayTraceHeader(traceId, spanId);
        return span;
    }

    /// <summary>X-Ray format of a W3C context: Root=1-{first 8 hex}-{remaining 24};Parent={span id};Sampled=1.</summary>
    public static string XRayTraceHeader(ActivityTraceId traceId, ActivitySpanId spanId)
    {
        var hex = traceId.ToHexString();
        return $"Root=1-{hex[..8]}-{hex[8..]};Parent={spanId.ToHexString()};Sampled=1";
    }

    /// <summary>Runs the invoke on an initialized environment: START, delivery, END, REPORT, metrics.</summary>
    private async Task InvokeAsync(Invocation invocation, ExecutionEnvironment env, Activity? span, double budgetMs)
    {
        invocation.EnvironmentId = env.Id;
        invocation.StartTimestamp = Stopwatch.GetTimestamp();
        invocation.DeadlineMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)budgetMs;
        env.AttachLog(invocation);
        env.Write($"START RequestId: {invocation.RequestId} Version: $LATEST");
        env.Deliver(invocation, TimeSpan.FromMilliseconds(Math.Max(1, budgetMs)));
        var outcome = await invocation.Done.Task.ConfigureAwait(false);
        var durationMs = Stopwatch.GetElapsedTime(invocation.StartTimestamp).TotalMilliseconds;
        if (invocation.CollectLog)
            await Task.Delay(15).ConfigureAwait(false); // let the function's last stdout lines land before END/REPORT
        if (!invocation.Response.Task.IsCompleted)
            invocation.FailResponse(outcome.ErrorType ?? "Runtime.Unknown", "The runtime ended the invoke without a response.");
        Finish(invocation, env, span, outcome, durationMs);
    }

    private void Finish(Invocation invocation, ExecutionEnvironment env, Activity? span, InvocationOutcome outcome, double durationMs)
    {
        var peak = env.MeasurePeakMemory();
        var peakMb = (long)Math.Ceiling(peak / (1024.0 * 1024.0));
        var billed = Math.Ceiling(durationMs + (invocation.InitDurationMs ?? 0));
        Write(invocation, $"END RequestId: {invocation.RequestId}");
        var report = string.Create(CultureInfo.InvariantCulture,
            $"REPORT RequestId: {invocation.RequestId}\tDuration: {durationMs:F2} ms\tBilled Duration: {billed:F0} ms\tMemory Size: {Options.MemorySize} MB\tMax Memory Used: {peakMb} MB");
        if (invocation.InitDurationMs is { } init)
            report += string.Create(CultureInfo.InvariantCulture, $"\tInit Duration: {init:F2} ms");
        report += outcome.Status switch
        {
            InvocationStatus.Timeout => "\tStatus: timeout",
            InvocationStatus.Crash or InvocationStatus.OutOfMemory => $"\tStatus: error\tError Type: {outcome.ErrorType}",
            _ => "",
        };
        Write(invocation, report);

        var tags = EmulatorTelemetry.Tags(Name, invocation.Trigger);
        var telemetry = Emulator.Telemetry;
        Interlocked.Increment(ref _invocations);
        telemetry.Invocations.Add(1, tags);
        telemetry.InvokeDuration.Record(durationMs / 1000.0, tags);
        if (peak > 0)
            telemetry.MemUsage.Record(peak, tags);
        if (outcome.Status != InvocationStatus.Success)
        {
            Interlocked.Increment(ref _errors);
            telemetry.Errors.Add(1, tags);
            span?.SetStatus(ActivityStatusCode.Error, outcome.ErrorType);
            span?.SetTag("error.type", outcome.ErrorType);
        }
        if (outcome.Status == InvocationStatus.Timeout)
        {
            Interlocked.Increment(ref _timeouts);
            telemetry.Timeouts.Add(1, tags);
        }
        span?.SetTag("aws.lambda.status", outcome.Status switch
        {
            InvocationStatus.Success => "success",
            InvocationStatus.Timeout => "timeout",
            InvocationStatus.Error => "error",
            _ => "failure",
        });
        span?.SetTag("faas.max_memory_used", peak);
    }

    /// <summary>The runtime finished its invoke: the environment may take the next one.</summary>
    internal void Unreserve(ExecutionEnvironment env)
    {
        lock (Emulator.Lock)
            _reserved.Remove(env);
    }

    /// <summary>A platform line of a finished invoke (the environment may already run the next one).</summary>
    private void Write(Invocation invocation, string line)
    {
        invocation.AppendLog(line);
        Emulator.Log.Write(line);
    }

    /// <summary>After an invoke: a dead environment leaves the pool; a recycled one shuts down; else it stays warm
    /// (it was unreserved when the runtime answered, and may already be running the next invoke).</summary>
    private async Task ReleaseAsync(ExecutionEnvironment env)
    {
        bool remove;
        lock (Emulator.Lock)
        {
            remove = !env.IsAlive || (env.RetireAfterInvoke && !_reserved.Contains(env));
            if (remove)
            {
                _reserved.Remove(env);
                _environments.Remove(env);
            }
        }
        if (remove)
            await ShutdownEnvironmentAsync(env).ConfigureAwait(false);
    }

    private async Task ShutdownEnvironmentAsync(ExecutionEnvironment env)
    {
        await env.ShutdownAsync().ConfigureAwait(false);
        await Emulator.Hosts.ReturnAsync(env.RuntimeApi).ConfigureAwait(false);
    }

    /// <summary>Shuts down idle environments (all idle ones, or those unused for IdleTimeout); returns how many.</summary>
    public async Task<int> ShutdownIdleAsync(bool expiredOnly)
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromSeconds(Options.IdleTimeout);
        List<ExecutionEnvironment> victims;
        lock (Emulator.Lock)
        {
            victims = _environments.Where(e => !_reserved.Contains(e) && (e.IsIdle || !e.IsAlive) && (!expiredOnly || e.LastUsedAt < cutoff || !e.IsAlive)).ToList();
            foreach (var v in victims)
                _environments.Remove(v);
        }
        await Task.WhenAll(victims.Select(ShutdownEnvironmentAsync)).ConfigureAwait(false);
        return victims.Count;
    }

    /// <summary>Force cold start: idle environments shut down now, busy ones when their invoke ends.</summary>
    public async Task<int> RecycleAsync()
    {
        lock (Emulator.Lock)
            foreach (var e in _environments.Where(_reserved.Contains))
                e.RetireAfterInvoke = true;
        var shutDown = await ShutdownIdleAsync(expiredOnly: false).ConfigureAwait(false);
        lock (Emulator.Lock)
            return shutDown + _environments.Count(e => e.RetireAfterInvoke);
    }

    /// <summary>Emulator stop: every environment, busy or not.</summary>
    public async Task ShutdownAllAsync()
    {
        List<ExecutionEnvironment> all;
        lock (Emulator.Lock)
        {
            all = [.. _environments];
            _environments.Clear();
        }
        await Task.WhenAll(all.Select(ShutdownEnvironmentAsync)).ConfigureAwait(false);
    }

    public bool IsReserved(ExecutionEnvironment env)
    {
        lock (Emulator.Lock)
            return _reserved.Contains(env);
    }
}
