namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>The states of an execution environment (drawn in the emulator's README).</summary>
public enum EnvironmentState
{
    /// <summary>The runtime process is starting; its first <c>/next</c> ends the init phase.</summary>
    Initializing,

    /// <summary>Running an invoke (reserved for it from the moment the pool chose it).</summary>
    Busy,

    /// <summary>Ready for an invoke.</summary>
    Idle,

    /// <summary>Ready for an invoke, its processes stopped (SIGSTOP) while the runtime waits in <c>/next</c>.</summary>
    Frozen,

    /// <summary>SnapStart: initialized and held (frozen) at <c>restore/next</c>, the emulator's stand-in for a snapshot.</summary>
    Snapshotted,

    /// <summary>SnapStart: <c>restore/next</c> answered; the runtime runs its after-restore hooks until it calls <c>/next</c>.</summary>
    Restoring,

    /// <summary>SIGTERM sent; SIGKILL after the grace period.</summary>
    ShuttingDown,

    /// <summary>The process has exited.</summary>
    Dead,
}

/// <summary>What moves an environment from one state to the next.</summary>
public enum EnvironmentTrigger
{
    /// <summary>The runtime called <c>/next</c> for the first time: the invoke that caused the cold start is delivered.</summary>
    InitSucceeded,

    /// <summary>A provisioned environment's runtime called <c>/next</c> for the first time: ready, with no invoke waiting.</summary>
    InitProvisioned,

    /// <summary>SnapStart: the runtime called <c>restore/next</c> after its init and before-snapshot hooks: the "snapshot" is taken.</summary>
    InitSnapshotted,

    /// <summary>SnapStart: the pool chose this held environment for a cold start and answers its <c>restore/next</c>.</summary>
    Restore,

    /// <summary>SnapStart: after its restore the runtime called <c>/next</c>: the invoke that caused the restore is delivered.</summary>
    Restored,

    /// <summary>Init passed its limit: a fresh process retries it inside the invoke (suppressed init).</summary>
    InitRetried,

    /// <summary>The runtime answered its invoke (response or error).</summary>
    InvokeEnded,

    /// <summary>The runtime waits in <c>/next</c> with nothing to do.</summary>
    Freeze,

    /// <summary>The pool chose this environment for an invoke.</summary>
    Reserve,

    /// <summary>Idle timeout, recycle, init failure or emulator stop.</summary>
    Shutdown,

    /// <summary>The process exited: crash, timeout or OOM kill, or the end of a shutdown.</summary>
    ProcessExited,
}

/// <summary>
/// Lambda's execution-environment lifecycle as one explicit state machine: Init (with suppressed-init retry), Invoke, freeze
/// between invokes, Shutdown; under SnapStart, Init ends in a held "snapshot" that a cold start restores. A transition the table does not allow is a bug in the emulator and throws. Every transition runs
/// under the pool-wide lock, which also guards concurrency counting, so "busy" is one fact kept in one place.
/// </summary>
public sealed class EnvironmentLifecycle(Lock stateLock)
{
    private static readonly Dictionary<(EnvironmentState, EnvironmentTrigger), EnvironmentState> Transitions = new()
    {
        [(EnvironmentState.Initializing, EnvironmentTrigger.InitSucceeded)] = EnvironmentState.Busy,
        [(EnvironmentState.Initializing, EnvironmentTrigger.InitProvisioned)] = EnvironmentState.Idle,
        [(EnvironmentState.Initializing, EnvironmentTrigger.InitRetried)] = EnvironmentState.Initializing,
        [(EnvironmentState.Initializing, EnvironmentTrigger.InitSnapshotted)] = EnvironmentState.Snapshotted,
        [(EnvironmentState.Snapshotted, EnvironmentTrigger.Restore)] = EnvironmentState.Restoring,
        [(EnvironmentState.Snapshotted, EnvironmentTrigger.Shutdown)] = EnvironmentState.ShuttingDown,
        [(EnvironmentState.Snapshotted, EnvironmentTrigger.ProcessExited)] = EnvironmentState.Dead,
        [(EnvironmentState.Restoring, EnvironmentTrigger.Restored)] = EnvironmentState.Busy,
        [(EnvironmentState.Restoring, EnvironmentTrigger.Shutdown)] = EnvironmentState.ShuttingDown,
        [(EnvironmentState.Restoring, EnvironmentTrigger.ProcessExited)] = EnvironmentState.Dead,
        [(EnvironmentState.Initializing, EnvironmentTrigger.Shutdown)] = EnvironmentState.ShuttingDown,
        [(EnvironmentState.Initializing, EnvironmentTrigger.ProcessExited)] = EnvironmentState.Dead,
        [(EnvironmentState.Busy, EnvironmentTrigger.InvokeEnded)] = EnvironmentState.Idle,
        [(EnvironmentState.Busy, EnvironmentTrigger.Shutdown)] = EnvironmentState.ShuttingDown,
        [(EnvironmentState.Busy, EnvironmentTrigger.ProcessExited)] = EnvironmentState.Dead,
        [(EnvironmentState.Idle, EnvironmentTrigger.Freeze)] = EnvironmentState.Frozen,
        [(EnvironmentState.Idle, EnvironmentTrigger.Reserve)] = EnvironmentState.Busy,
        [(EnvironmentState.Idle, EnvironmentTrigger.Shutdown)] = EnvironmentState.ShuttingDown,
        [(EnvironmentState.Idle, EnvironmentTrigger.ProcessExited)] = EnvironmentState.Dead,
        [(EnvironmentState.Frozen, EnvironmentTrigger.Reserve)] = EnvironmentState.Busy,
        [(EnvironmentState.Frozen, EnvironmentTrigger.Shutdown)] = EnvironmentState.ShuttingDown,
        [(EnvironmentState.Frozen, EnvironmentTrigger.ProcessExited)] = EnvironmentState.Dead,
        [(EnvironmentState.ShuttingDown, EnvironmentTrigger.ProcessExited)] = EnvironmentState.Dead,
    };

    private EnvironmentState _state = EnvironmentState.Initializing;

    /// <summary>The lock every transition takes.</summary>
    public Lock Lock => stateLock;

    /// <summary>The current state.</summary>
    public EnvironmentState State
    {
        get
        {
            lock (stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>All transitions, for the README's diagram test.</summary>
    public static IEnumerable<(EnvironmentState From, EnvironmentTrigger Trigger, EnvironmentState To)> Table =>
        Transitions.Select(t => (t.Key.Item1, t.Key.Item2, t.Value));

    /// <summary>Fires <paramref name="trigger"/>; throws when the table does not allow it.</summary>
    public EnvironmentState Fire(EnvironmentTrigger trigger)
    {
        lock (stateLock)
        {
            if (!Transitions.TryGetValue((_state, trigger), out var next))
            {
                throw new InvalidOperationException($"Execution environment: {trigger} is not allowed in state {_state}.");
            }

            _state = next;
            return next;
        }
    }

    /// <summary>Fires <paramref name="trigger"/> if the current state allows it (for events that may race, like a process exit).</summary>
    public bool TryFire(EnvironmentTrigger trigger) => TryFire(trigger, out _);

    /// <summary>Fires <paramref name="trigger"/> if the current state allows it, and says which state it left.</summary>
    public bool TryFire(EnvironmentTrigger trigger, out EnvironmentState from)
    {
        lock (stateLock)
        {
            from = _state;
            if (!Transitions.TryGetValue((_state, trigger), out var next))
            {
                return false;
            }

            _state = next;
            return true;
        }
    }

    /// <summary>True in <see cref="EnvironmentState.Idle"/> or <see cref="EnvironmentState.Frozen"/>.</summary>
    public bool IsIdle => State is EnvironmentState.Idle or EnvironmentState.Frozen;

    /// <summary>True until shutdown starts or the process exits.</summary>
    public bool IsAlive => State is not (EnvironmentState.ShuttingDown or EnvironmentState.Dead);

    /// <summary>True while the environment counts against concurrency: initializing, restoring for an invoke or running one.</summary>
    public bool IsInUse => State is EnvironmentState.Initializing or EnvironmentState.Restoring or EnvironmentState.Busy;
}
