namespace LlamaAspire.LambdaRuntime;

/// <summary>
/// SnapStart's runtime hooks (the role of <c>Amazon.Lambda.Core.SnapshotRestore</c>): code to run before Lambda snapshots the
/// initialized environment, and after a new environment is restored from that snapshot. Register them during init; the
/// bootstrap runs them only when <c>AWS_LAMBDA_INITIALIZATION_TYPE</c> is <c>snap-start</c> (otherwise nothing is snapshotted).
/// </summary>
/// <remarks>
/// Order, as AWS's .NET registry (a stack and a queue) and Java's CRaC global context do it: before-snapshot hooks run in
/// reverse registration order, after-restore hooks in registration order. A hook registered later usually depends on what an
/// earlier one set up (a client on its connection pool), so it is quiesced first and brought back last, the way
/// <c>Dispose</c> unwinds construction. Hooks run one at a time; the first that throws stops the rest and fails the phase.
/// </remarks>
public sealed class SnapshotHooks
{
    private readonly Lock _gate = new();
    private readonly List<Func<ValueTask>> _beforeSnapshot = [];
    private readonly List<Func<ValueTask>> _afterRestore = [];

    /// <summary>Adds a hook to run before the snapshot (flush buffers, close connections that will not survive it).</summary>
    public void RegisterBeforeSnapshot(Func<ValueTask> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        lock (_gate)
        {
            _beforeSnapshot.Add(hook);
        }
    }

    /// <summary>Adds a hook to run after a restore, before the first invoke (reconnect, re-seed randomness, re-read what is unique per environment).</summary>
    public void RegisterAfterRestore(Func<ValueTask> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        lock (_gate)
        {
            _afterRestore.Add(hook);
        }
    }

    /// <summary>The before-snapshot hooks in the order they run (last registered first).</summary>
    internal IReadOnlyList<Func<ValueTask>> BeforeSnapshotOrder()
    {
        lock (_gate)
        {
            return [.. Enumerable.Reverse(_beforeSnapshot)];
        }
    }

    /// <summary>The after-restore hooks in the order they run (first registered first).</summary>
    internal IReadOnlyList<Func<ValueTask>> AfterRestoreOrder()
    {
        lock (_gate)
        {
            return [.. _afterRestore];
        }
    }

    /// <summary>Runs <paramref name="hooks"/> one after the other; the first exception propagates.</summary>
    internal static async Task RunAsync(IReadOnlyList<Func<ValueTask>> hooks)
    {
        foreach (var hook in hooks)
        {
            await hook().ConfigureAwait(false);
        }
    }
}
