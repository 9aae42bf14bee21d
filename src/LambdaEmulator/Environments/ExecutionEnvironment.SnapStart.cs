using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>How the emulator answers a runtime's <c>GET restore/next</c>.</summary>
public enum RestoreNextAnswer
{
    /// <summary>The environment was restored: 200, the runtime runs its after-restore hooks.</summary>
    Restored,

    /// <summary>Not a SnapStart environment, or not at the end of its init: 403.</summary>
    Refused,

    /// <summary>The environment is going away while held: 500, the runtime exits.</summary>
    ShuttingDown,
}

/// <summary>
/// SnapStart for one environment. Lambda snapshots the VM while the runtime waits in <c>restore/next</c> and later resumes clones
/// of it; with no memory snapshot here (CRIU does not run on this kernel), the environment itself is the "snapshot": held,
/// frozen, at <c>restore/next</c> until one cold start restores it by answering that call. The restore lasts until the runtime's
/// next <c>/next</c> (its after-restore hooks) or its <c>restore/error</c>.
/// </summary>
public sealed partial class ExecutionEnvironment
{
    /// <summary>Answered when the pool restores this environment (true) or it goes away while held (false).</summary>
    private readonly TaskCompletionSource<bool> _restoreSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How the restore ended: <see cref="InitResult.Ready"/> at the runtime's <c>/next</c>, else failed, exited or timed out.</summary>
    private readonly TaskCompletionSource<InitResult> _restore = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Initialized with <c>AWS_LAMBDA_INITIALIZATION_TYPE=snap-start</c>, to be held and restored.</summary>
    public bool SnapStart => InitializationType == LambdaEnvironmentVariables.InitializationTypes.SnapStart;

    /// <summary>GET restore/next: ends init (the "snapshot"), freezes the runtime and holds the call until a restore or shutdown.</summary>
    public async ValueTask<RestoreNextAnswer> RestoreNextAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle.Lock)
        {
            if (!SnapStart || _lifecycle.State != EnvironmentState.Initializing || !_init.TrySetResult(new InitResult.Ready()))
            {
                return RestoreNextAnswer.Refused;
            }

            _lifecycle.Fire(EnvironmentTrigger.InitSnapshotted);
            if (Context.Freeze && _pid > 0)
            {
                NativeMethods.Signal(_pid, NativeMethods.SIGSTOP);
            }
        }

        try
        {
            return await _restoreSignal.Task.WaitAsync(cancellationToken).ConfigureAwait(false) ? RestoreNextAnswer.Restored : RestoreNextAnswer.ShuttingDown;
        }
        catch (OperationCanceledException)
        {
            return RestoreNextAnswer.ShuttingDown;
        }
    }

    /// <summary>Restores a held environment for <paramref name="completion"/>: fires <see cref="EnvironmentTrigger.Restore"/>,
    /// thaws the runtime and answers its <c>restore/next</c>. False when it is not held (any more). Call under the state lock.</summary>
    public bool TryBeginRestore(InvokeCompletion completion)
    {
        if (RetireAfterInvoke || !_lifecycle.TryFire(EnvironmentTrigger.Restore))
        {
            return false;
        }

        _logTarget = completion.Log;
        Thaw();
        _restoreSignal.TrySetResult(true);
        return true;
    }

    /// <summary>Waits for the restore to end; past <paramref name="limit"/> it is <see cref="InitResult.TimedOut"/>.</summary>
    public async Task<InitResult> WaitRestoreAsync(TimeSpan limit)
    {
        var restore = _restore.Task;
        if (await Task.WhenAny(restore, Task.Delay(limit)).ConfigureAwait(false) != restore)
        {
            _restore.TrySetResult(new InitResult.TimedOut());
        }

        return await restore.ConfigureAwait(false);
    }

    /// <summary>POST restore/error: an after-restore hook failed. False when no restore is in progress (403).</summary>
    public bool ReportRestoreError(byte[] body, string errorType)
    {
        lock (_lifecycle.Lock)
        {
            return _lifecycle.State == EnvironmentState.Restoring && _restore.TrySetResult(new InitResult.Failed(body, errorType));
        }
    }

    /// <summary>
    /// A SnapStart runtime's <c>/next</c>: after a restore it ends the restore (→ Busy, the invoke is delivered). Before any
    /// snapshot it is a runtime that skipped <c>restore/next</c>, which cannot be snapshotted: init fails (false, answered 500).
    /// Call under the state lock.
    /// </summary>
    private bool TryEndRestore()
    {
        switch (_lifecycle.State)
        {
            case EnvironmentState.Restoring when _restore.TrySetResult(new InitResult.Ready()):
                _lifecycle.Fire(EnvironmentTrigger.Restored);
                return true;
            case EnvironmentState.Initializing:
                var type = LambdaContracts.RuntimeApi.ErrorTypes.InvalidStateTransition;
                _init.TrySetResult(new InitResult.Failed(ErrorDocument.Write(type,
                    $"{LambdaEnvironmentVariables.InitializationType}={InitializationType}: the runtime called next without {LambdaContracts.RuntimeApi.RestoreNextPath}."), type));
                return false;
            default:
                return true;
        }
    }

    /// <summary>The process exited: a held or restoring environment ends as its init would have.</summary>
    private void EndRestoreOnExit(InitResult ended)
    {
        _restoreSignal.TrySetResult(false);
        _restore.TrySetResult(ended);
    }
}
