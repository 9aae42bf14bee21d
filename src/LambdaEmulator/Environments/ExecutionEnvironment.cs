using System.Diagnostics;
using System.Threading.Channels;
using LlamaAspire.LambdaEmulator.RuntimeApi;

namespace LlamaAspire.LambdaEmulator.Environments;

public enum EnvironmentState
{
    Initializing,
    Warm,
    Busy,
    Frozen,
    ShuttingDown,
    Dead,
}

/// <summary>Why the platform ended a process (decides the error type the invoke gets).</summary>
public enum KillReason
{
    None,
    Timeout,
    OutOfMemory,
    Shutdown,
    InitTimeout,
}

public abstract record InitResult
{
    public sealed record Ready : InitResult;
    public sealed record Error(byte[] Body, string ErrorType) : InitResult;
    public sealed record Exited(string Description) : InitResult;
    public sealed record TimedOut : InitResult;
}

/// <summary>
/// One execution environment: an OS process running the function's runtime, its own Runtime API host,
/// and the state Lambda keeps for it (warm/busy/frozen, the invoke in flight, peak memory).
/// Process start/stop lives in <see cref="EnvironmentProcess"/>.
/// </summary>
public sealed partial class ExecutionEnvironment : IDisposable
{
    public void Dispose() => StopTimeout();

    private readonly Lock _lock = new();
    private Channel<Invocation> _inbox = NewInbox();
    private TaskCompletionSource<InitResult> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _timeoutRegistration;
    private CancellationTokenSource? _timeoutCts;
    private bool _frozen;
    private EnvironmentState _state = EnvironmentState.Initializing;

    public ExecutionEnvironment(FunctionPool function, RuntimeApiHost runtimeApi)
    {
        Function = function;
        RuntimeApi = runtimeApi;
        Id = Guid.NewGuid().ToString("N");
        LogStreamName = $"{DateTime.UtcNow:yyyy/MM/dd}/[$LATEST]{Id}";
        runtimeApi.Target = this;
    }

    private static Channel<Invocation> NewInbox() => Channel.CreateUnbounded<Invocation>(new UnboundedChannelOptions { SingleReader = false });

    public string Id { get; }
    public FunctionPool Function { get; }
    public RuntimeApiHost RuntimeApi { get; }
    public string LogStreamName { get; }
    /// <summary>The runtime's pid, 0 until its process has started.</summary>
    public int Pid => Volatile.Read(ref _pid);
    public int Invocations { get; private set; }
    public DateTime StartedAt { get; private set; } = DateTime.UtcNow;
    public DateTime LastUsedAt { get; private set; } = DateTime.UtcNow;
    public long PeakMemoryBytes { get; private set; }
    public int[] Cpus { get; private set; } = [];
    public KillReason KillReason { get; private set; }

    /// <summary>Recycle requested while busy: shut down when the invoke in flight ends.</summary>
    public bool RetireAfterInvoke { get; set; }

    public Invocation? Current { get; private set; }

    /// <summary>Where this environment's output goes: the invoke (or the init it triggered) in flight.</summary>
    private Invocation? _logTarget;

    public EnvironmentState State
    {
        get
        {
            lock (_lock)
                return _state == EnvironmentState.Warm && _frozen ? EnvironmentState.Frozen : _state;
        }
    }

    public bool IsAlive => State is not (EnvironmentState.Dead or EnvironmentState.ShuttingDown);

    public bool IsIdle => State is EnvironmentState.Warm or EnvironmentState.Frozen;

    /// <summary>Init is done when the runtime first calls /next; also ends on /init/error, exit or the limit.</summary>
    public async Task<InitResult> WaitInitAsync(TimeSpan limit)
    {
        var init = _init.Task;
        if (await Task.WhenAny(init, Task.Delay(limit)).ConfigureAwait(false) == init)
            return await init.ConfigureAwait(false);
        _init.TrySetResult(new InitResult.TimedOut());
        return await init.ConfigureAwait(false);
    }

    /// <summary>Suppressed init: a fresh process, same environment (id, Runtime API), after an init timeout.</summary>
    public void ResetForInitRetry()
    {
        lock (_lock)
        {
            _state = EnvironmentState.Initializing;
            KillReason = KillReason.None;
            _init = new TaskCompletionSource<InitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inbox = NewInbox();
        }
    }

    public void AttachLog(Invocation? invocation) => _logTarget = invocation;

    /// <summary>Hands an invoke to the runtime (its pending or next /next), thawing it first; starts the timeout.</summary>
    public void Deliver(Invocation invocation, TimeSpan timeout)
    {
        lock (_lock)
        {
            Thaw();
            _state = EnvironmentState.Busy;
            Current = invocation;
            _logTarget = invocation;
            Invocations++;
            LastUsedAt = DateTime.UtcNow;
        }
        _timeoutCts = new CancellationTokenSource(timeout);
        _timeoutRegistration = _timeoutCts.Token.Register(static s => ((ExecutionEnvironment)s!).OnTimeout(), this);
        _inbox.Writer.TryWrite(invocation);
    }

    /// <summary>GET /next: signals init done, then waits for an invoke (the environment freezes while it waits).</summary>
    public async ValueTask<Invocation?> NextAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_state == EnvironmentState.Initializing)
                _init.TrySetResult(new InitResult.Ready());
        }
        if (_inbox.Reader.TryRead(out var ready))
            return ready;
        lock (_lock)
        {
            if (_state == EnvironmentState.Warm && Function.Emulator.Options.Freeze && _inbox.Reader.Count == 0 && !_frozen && _pid > 0)
                _frozen = NativeMethods.Signal(_pid, NativeMethods.SIGSTOP);
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

    /// <summary>The runtime finished the invoke (response sent or error reported): the environment is warm and
    /// available again before the caller sees the answer, so a sequential caller never causes a spurious cold start.</summary>
    public void CompleteInvocation(Invocation invocation, InvocationOutcome outcome, InvocationResponse? response = null)
    {
        lock (_lock)
        {
            if (Current != invocation)
                return;
            Current = null;
            if (_state == EnvironmentState.Busy)
                _state = EnvironmentState.Warm;
            LastUsedAt = DateTime.UtcNow;
        }
        StopTimeout();
        Function.Unreserve(this);
        if (response is not null)
            invocation.Response.TrySetResult(response);
        invocation.Done.TrySetResult(outcome);
    }

    public void ReportInitError(byte[] body, string errorType) => _init.TrySetResult(new InitResult.Error(body, errorType));

    public bool IsInitializing
    {
        get
        {
            lock (_lock)
                return _state == EnvironmentState.Initializing;
        }
    }

    public void MarkWarm()
    {
        lock (_lock)
            if (_state == EnvironmentState.Initializing)
                _state = EnvironmentState.Warm;
    }

    private void OnTimeout()
    {
        Invocation? inv;
        lock (_lock)
        {
            inv = Current;
            if (inv is null || inv.Done.Task.IsCompleted)
                return;
            KillReason = KillReason.Timeout;
        }
        Kill();
        var seconds = Stopwatch.GetElapsedTime(inv.StartTimestamp).TotalSeconds;
        var message = $"RequestId: {inv.RequestId} Error: Task timed out after {seconds:F2} seconds";
        Write($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {inv.RequestId} Task timed out after {seconds:F2} seconds");
        inv.FailResponse("Sandbox.Timedout", message);
        inv.Done.TrySetResult(new InvocationOutcome(InvocationStatus.Timeout, "Sandbox.Timedout"));
    }

    /// <summary>The process exited: fails the init or the invoke in flight with the reason Lambda would give.</summary>
    private void OnExited(int exitCode)
    {
        Invocation? inv;
        lock (_lock)
        {
            inv = Current;
            Current = null;
            _frozen = false;
            _state = EnvironmentState.Dead;
        }
        StopTimeout();
        _inbox.Writer.TryComplete();
        var description = DescribeExit(exitCode);
        _init.TrySetResult(KillReason == KillReason.OutOfMemory
            ? new InitResult.Error(Invocation.ErrorBody("Runtime.OutOfMemory", $"Runtime exited with error: {description}"), "Runtime.OutOfMemory")
            : new InitResult.Exited(description));
        if (inv is null || inv.Done.Task.IsCompleted)
            return;
        var (status, type) = KillReason == KillReason.OutOfMemory
            ? (InvocationStatus.OutOfMemory, "Runtime.OutOfMemory")
            : (InvocationStatus.Crash, "Runtime.ExitError");
        var message = $"RequestId: {inv.RequestId} Error: Runtime exited with error: {description}";
        Write($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {inv.RequestId} {message}");
        inv.FailResponse(type, message);
        inv.Done.TrySetResult(new InvocationOutcome(status, type));
    }

    private void StopTimeout()
    {
        _timeoutRegistration.Dispose();
        _timeoutCts?.Dispose();
        _timeoutCts = null;
    }

    private void Thaw()
    {
        if (_frozen && _pid > 0)
            NativeMethods.Signal(_pid, NativeMethods.SIGCONT);
        _frozen = false;
    }

    private static string DescribeExit(int exitCode) => exitCode switch
    {
        > 128 and < 128 + 65 => $"signal: {SignalName(exitCode - 128)}",
        _ => $"exit status {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        NativeMethods.SIGKILL => "killed",
        NativeMethods.SIGTERM => "terminated",
        6 => "aborted",
        11 => "segmentation fault",
        _ => signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A line of this environment's log: to the console and to the invoke it belongs to.</summary>
    public void Write(string line)
    {
        _logTarget?.AppendLog(line);
        Function.Emulator.Log.Write(line);
    }
}
