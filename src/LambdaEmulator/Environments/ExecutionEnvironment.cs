using System.Diagnostics;
using System.Threading.Channels;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaEmulator.RuntimeApi;

namespace LlamaAspire.LambdaEmulator.Environments;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;

/// <summary>Why the platform ended a process (decides the error type the invoke gets).</summary>
public enum KillReason
{
    None,
    Timeout,
    OutOfMemory,
    Shutdown,
    InitTimeout,
}

/// <summary>How an init attempt (or a SnapStart restore, which can end the same ways) ended.</summary>
public abstract record InitResult
{
    public sealed record Ready : InitResult;
    public sealed record Failed(byte[] Body, string ErrorType) : InitResult;
    public sealed record Exited(string Description) : InitResult;
    public sealed record TimedOut : InitResult;
}

/// <summary>An invoke handed to an environment: the immutable message /next serves and the completion it answers.</summary>
public sealed record Delivery(InvokeMessage Message, InvokeCompletion Completion, long StartTimestamp);

/// <summary>
/// One execution environment: an OS process (and everything it starts, in one cgroup) running the function's runtime, its own
/// Runtime API host, and its <see cref="EnvironmentLifecycle"/>. Process control lives in the other part of this class.
/// </summary>
public sealed partial class ExecutionEnvironment : IDisposable
{
    private readonly EnvironmentLifecycle _lifecycle;
    private Channel<Delivery> _inbox = NewInbox();
    private TaskCompletionSource<InitResult> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _timeout;
    private Delivery? _current;

    /// <summary>Where this environment's output goes: the invoke (or the init it triggered) in flight.</summary>
    private InvokeLog? _logTarget;

    public ExecutionEnvironment(
        EnvironmentContext context, RuntimeApiHost runtimeApi, string initializationType = LambdaEnvironmentVariables.InitializationTypes.OnDemand)
    {
        InitializationType = initializationType;
        Context = context;
        RuntimeApi = runtimeApi;
        Id = Guid.NewGuid().ToString("N");
        LogStreamName = $"{DateTime.UtcNow:yyyy/MM/dd}/[{InvokeApi.LatestVersion}]{Id}";
        _lifecycle = new EnvironmentLifecycle(context.StateLock);
        runtimeApi.Target = this;
    }

    private static Channel<Delivery> NewInbox() => Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = false });

    public string Id { get; }
    public EnvironmentContext Context { get; }
    public RuntimeApiHost RuntimeApi { get; }
    public string LogStreamName { get; }
    public EnvironmentLifecycle Lifecycle => _lifecycle;
    public EnvironmentState State => _lifecycle.State;
    public int Invocations { get; private set; }
    public DateTime LastUsedAt { get; private set; } = DateTime.UtcNow;
    public KillReason KillReason { get; private set; }

    /// <summary>Initialized ahead of traffic (provisioned concurrency): kept warm, never idle-expired, chosen first.</summary>
    public bool Provisioned => InitializationType == LambdaEnvironmentVariables.InitializationTypes.ProvisionedConcurrency;

    /// <summary>What <see cref="LambdaEnvironmentVariables.InitializationType"/> tells the runtime: on demand, provisioned or SnapStart.</summary>
    public string InitializationType { get; }

    /// <summary>Recycle requested while busy: shut down when the invoke in flight ends.</summary>
    public bool RetireAfterInvoke { get; set; }

    /// <summary>The invoke in flight, if any.</summary>
    public Delivery? Current
    {
        get
        {
            lock (_lifecycle.Lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Init is done when the runtime first calls /next; also ends on /init/error, exit or the limit.</summary>
    public async Task<InitResult> WaitInitAsync(TimeSpan limit)
    {
        var init = _init.Task;
        if (await Task.WhenAny(init, Task.Delay(limit)).ConfigureAwait(false) == init)
        {
            return await init.ConfigureAwait(false);
        }

        _init.TrySetResult(new InitResult.TimedOut());
        return await init.ConfigureAwait(false);
    }

    /// <summary>Suppressed init: a fresh process, same environment (id, Runtime API), after an init timeout.</summary>
    public void ResetForInitRetry()
    {
        lock (_lifecycle.Lock)
        {
            _lifecycle.Fire(EnvironmentTrigger.InitRetried);
            KillReason = KillReason.None;
            _init = new TaskCompletionSource<InitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inbox = NewInbox();
        }
    }

    /// <summary>Directs the environment's output (and the platform's lines about it) to an invoke's log.</summary>
    public void AttachLog(InvokeCompletion completion) => _logTarget = completion.Log;

    /// <summary>Hands an invoke to the runtime (its pending or next /next), thawing it first; starts the timeout.
    /// The environment must be <see cref="EnvironmentState.Busy"/>: reserved by the pool, or just initialized for this invoke.</summary>
    public void Deliver(Delivery delivery, TimeSpan timeout)
    {
        lock (_lifecycle.Lock)
        {
            if (_lifecycle.State != EnvironmentState.Busy)
            {
                throw new InvalidOperationException($"Execution environment {Id}: delivery in state {_lifecycle.State}.");
            }

            Thaw();
            _current = delivery;
            _logTarget = delivery.Completion.Log;
            Invocations++;
            LastUsedAt = DateTime.UtcNow;
        }

        _timeout = new CancellationTokenSource(timeout);
        _timeout.Token.Register(static s => ((ExecutionEnvironment)s!).OnTimeout(), this);
        _inbox.Writer.TryWrite(delivery);
    }

    /// <summary>GET /next: the first call ends init; then waits for an invoke, frozen while it waits (as Lambda freezes).</summary>
    public async ValueTask<Delivery?> NextAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle.Lock)
        {
            if (SnapStart && !TryEndRestore())
            {
                return null;
            }

            if (_lifecycle.State == EnvironmentState.Initializing && _init.TrySetResult(new InitResult.Ready()))
            {
                // On demand, the invoke that caused the cold start is waiting; provisioned, nothing is.
                _lifecycle.Fire(Provisioned ? EnvironmentTrigger.InitProvisioned : EnvironmentTrigger.InitSucceeded);
            }
        }

        if (_inbox.Reader.TryRead(out var ready))
        {
            return ready;
        }

        lock (_lifecycle.Lock)
        {
            if (Context.Freeze && _inbox.Reader.Count == 0 && _pid > 0 && _lifecycle.State == EnvironmentState.Idle
                && NativeMethods.Signal(_pid, NativeMethods.SIGSTOP))
            {
                _lifecycle.Fire(EnvironmentTrigger.Freeze);
            }
        }

        try
        {
            return await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>The invoke the runtime may answer for <paramref name="requestId"/>, or null (unknown, or already ended).</summary>
    public Delivery? Resolve(string requestId)
    {
        lock (_lifecycle.Lock)
        {
            return _current is { } d && d.Message.RequestId == requestId && !d.Completion.HasEnded ? d : null;
        }
    }

    /// <summary>The runtime finished the invoke (response sent or error reported): the environment is idle again before the
    /// caller sees the answer, so a sequential caller never causes a spurious cold start.</summary>
    public void CompleteInvocation(Delivery delivery, InvocationOutcome outcome, InvocationResponse? response = null)
    {
        if (_cgroup is { OomKills: > 0 } && KillReason == KillReason.None)
        {
            // A process in the sandbox was OOM-killed while this invoke ran (its answer may be the child's failure): on
            // Lambda that ends the environment and the invoke is Runtime.OutOfMemory. The exit handler answers it.
            KillReason = KillReason.OutOfMemory;
            Kill();
            return;
        }

        lock (_lifecycle.Lock)
        {
            if (_current != delivery)
            {
                return;
            }

            _current = null;
            _lifecycle.TryFire(EnvironmentTrigger.InvokeEnded);
            LastUsedAt = DateTime.UtcNow;
        }

        StopTimeout();
        delivery.Completion.TryEnd(outcome, response);
    }

    /// <summary>Answers the pool's choice of this environment: Idle or Frozen → Busy. Call under the state lock.</summary>
    public bool TryReserve() => !RetireAfterInvoke && _lifecycle.TryFire(EnvironmentTrigger.Reserve);

    public bool IsInitializing => _lifecycle.State == EnvironmentState.Initializing;

    public void ReportInitError(byte[] body, string errorType) => _init.TrySetResult(new InitResult.Failed(body, errorType));

    /// <summary>Waits until the function's output written so far is in the log (bounded: a stuck pipe cannot hold REPORT).</summary>
    public Task DrainOutputAsync() => Task.WhenAll(_readers.Select(r => r.DrainAsync(TimeSpan.FromSeconds(1))));

    private void OnTimeout()
    {
        Delivery? delivery;
        lock (_lifecycle.Lock)
        {
            delivery = _current;
            if (delivery is null || delivery.Completion.HasEnded)
            {
                return;
            }

            KillReason = KillReason.Timeout;
        }

        Kill();
        EndTimedOut(delivery);
    }

    /// <summary>Ends a timed-out invoke once, whichever of the timeout and the process exit gets here first; the timeout
    /// line is logged before the invoke ends, so it precedes END and REPORT.</summary>
    private void EndTimedOut(Delivery delivery)
    {
        var requestId = delivery.Message.RequestId;
        var message = PlatformLines.TimedOutMessage(Stopwatch.GetElapsedTime(delivery.StartTimestamp));
        lock (_lifecycle.Lock)
        {
            if (delivery.Completion.HasEnded)
            {
                return;
            }

            Context.Log.ForRequest(delivery.Completion.Log, requestId, message);
            delivery.Completion.TryEnd(new InvocationOutcome(InvocationStatus.Timeout, LambdaErrorTypes.Timeout),
                InvocationResponse.Platform(LambdaErrorTypes.Timeout, PlatformLines.ErrorMessage(requestId, message)));
        }
    }

    /// <summary>The process exited: fails the init or the invoke in flight with the reason Lambda would give.</summary>
    private void OnExited(int exitCode)
    {
        Delivery? delivery;
        lock (_lifecycle.Lock)
        {
            delivery = _current;
            _current = null;
            // A timed-out init's process is replaced in the same environment (suppressed init): it stays Initializing.
            if (KillReason != KillReason.InitTimeout)
            {
                _lifecycle.TryFire(EnvironmentTrigger.ProcessExited);
            }
        }

        StopTimeout();
        _inbox.Writer.TryComplete();
        var description = ProcessExit.Describe(exitCode);
        var outOfMemory = KillReason == KillReason.OutOfMemory;
        InitResult ended = outOfMemory
            ? new InitResult.Failed(ErrorDocument.Write(LambdaErrorTypes.OutOfMemory, PlatformLines.ExitedMessage(description)), LambdaErrorTypes.OutOfMemory)
            : new InitResult.Exited(description);
        _init.TrySetResult(ended);
        EndRestoreOnExit(ended);
        if (delivery is null || delivery.Completion.HasEnded)
        {
            return;
        }

        if (KillReason == KillReason.Timeout)
        {
            // The timeout killed it; the exit may be seen before the timeout handler ends the invoke: same answer either way.
            EndTimedOut(delivery);
            return;
        }

        var (status, type) = outOfMemory
            ? (InvocationStatus.OutOfMemory, LambdaErrorTypes.OutOfMemory)
            : (InvocationStatus.Crash, LambdaErrorTypes.ExitError);
        var requestId = delivery.Message.RequestId;
        var message = PlatformLines.ErrorMessage(requestId, PlatformLines.ExitedMessage(description));
        Context.Log.ForRequest(delivery.Completion.Log, requestId, message);
        delivery.Completion.TryEnd(new InvocationOutcome(status, type), InvocationResponse.Platform(type, message));
    }

    private void StopTimeout()
    {
        var timeout = Interlocked.Exchange(ref _timeout, null);
        timeout?.Dispose();
    }

    /// <summary>SIGCONT a frozen environment. Call under the state lock.</summary>
    private void Thaw()
    {
        if (Context.Freeze && _pid > 0)
        {
            NativeMethods.Signal(_pid, NativeMethods.SIGCONT);
        }
    }

    private void WriteOutput(string line) => Context.Log.FunctionOutput(_logTarget, line);

    public void Dispose() => StopTimeout();
}
