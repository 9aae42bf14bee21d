using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.TestFunction;

/// <summary>
/// SnapStart hooks whose behaviour <c>TEST_FUNCTION_RESTORE</c> chooses (README.md): each writes a line to stdout and counts
/// its runs, which the <c>hooks</c> action reports, so tests can see that and when they ran.
/// </summary>
internal static class TestSnapshotHooks
{
    public const string RestoreVariable = "TEST_FUNCTION_RESTORE";
    public const string BeforeSnapshotLine = "TestFunction: before-snapshot hook ran";
    public const string AfterRestoreLine = "TestFunction: after-restore hook ran";

    private static int s_beforeSnapshot;
    private static int s_afterRestore;

    public static int BeforeSnapshotRuns => Volatile.Read(ref s_beforeSnapshot);

    public static int AfterRestoreRuns => Volatile.Read(ref s_afterRestore);

    public static void Register(SnapshotHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        var mode = Environment.GetEnvironmentVariable(RestoreVariable) ?? "ok";
        hooks.RegisterBeforeSnapshot(async () =>
        {
            Interlocked.Increment(ref s_beforeSnapshot);
            await Console.Out.WriteLineAsync(BeforeSnapshotLine);
            await Console.Out.FlushAsync();
            if (mode == "snapshot-error")
            {
                throw new InvalidOperationException($"{RestoreVariable}=snapshot-error: before-snapshot hook failed on purpose");
            }
        });
        hooks.RegisterAfterRestore(async () =>
        {
            Interlocked.Increment(ref s_afterRestore);
            await Console.Out.WriteLineAsync(AfterRestoreLine);
            await Console.Out.FlushAsync();
            switch (mode)
            {
                case "" or "ok" or "snapshot-error":
                    break;
                case "error":
                    throw new InvalidOperationException($"{RestoreVariable}=error: after-restore hook failed on purpose");
                case "crash":
                    Environment.Exit(4);
                    break;
                default:
                    throw new InvalidOperationException($"{RestoreVariable}='{mode}' is not ok | error | crash | snapshot-error");
            }
        });
    }
}
