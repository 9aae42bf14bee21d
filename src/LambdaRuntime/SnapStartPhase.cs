using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime;

/// <summary>
/// What the runtime does between init and the first <c>next</c> when Lambda will snapshot it (SnapStart): before-snapshot hooks,
/// <c>GET /runtime/restore/next</c> (the snapshot is taken while it waits; it returns in a restored environment), after-restore
/// hooks. Under any other initialization type it does nothing and makes no call.
/// </summary>
internal static class SnapStartPhase
{
    /// <summary>True when the environment says this init will be snapshotted.</summary>
    public static bool Applies(ILambdaEnvironment environment) =>
        environment.GetVariable(LambdaEnvironmentVariables.InitializationType) == LambdaEnvironmentVariables.InitializationTypes.SnapStart;

    /// <summary>Runs the phase; null to go on to the invoke loop, else the exit code.</summary>
    public static async Task<int?> RunAsync(RuntimeApiClient client, LambdaBootstrapOptions options, Action<string> log, CancellationToken stopToken)
    {
        if (!Applies(options.Environment))
        {
            return null;
        }

        try
        {
            await SnapshotHooks.RunAsync(options.SnapshotHooks.BeforeSnapshotOrder()).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Still init as far as Lambda is concerned: the version's snapshot fails to be created.
            var error = new LambdaFunctionException(LambdaErrorTypes.BeforeSnapshotError, $"A before-snapshot hook failed: {ex.Message}", ex);
            return await ReportAsync("INIT", error, client.ReportInitErrorAsync, LambdaBootstrap.ExitCodeInitError, log, stopToken).ConfigureAwait(false);
        }

        try
        {
            await client.RestoreNextAsync(stopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
            return LambdaBootstrap.ExitCodeStopped;
        }
        catch (Exception ex)
        {
            log($"ERROR\tGET restore/next failed, exiting: {ex.Message}");
            return LambdaBootstrap.ExitCodeRuntimeApiError;
        }

        try
        {
            await SnapshotHooks.RunAsync(options.SnapshotHooks.AfterRestoreOrder()).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var error = new LambdaFunctionException(LambdaErrorTypes.AfterRestoreError, $"An after-restore hook failed: {ex.Message}", ex);
            return await ReportAsync("RESTORE", error, client.ReportRestoreErrorAsync, LambdaBootstrap.ExitCodeRestoreError, log, stopToken).ConfigureAwait(false);
        }

        return null;
    }

    private static async Task<int> ReportAsync(
        string phase, LambdaFunctionException error, Func<Exception, CancellationToken, Task> report, int exitCode, Action<string> log, CancellationToken stopToken)
    {
        log($"{phase}\tERROR\t{error}");
        try
        {
            await report(error, stopToken).ConfigureAwait(false);
        }
        catch (Exception reportError)
        {
            log($"{phase}\tERROR\tcould not report the error: {reportError.Message}");
        }

        return exitCode;
    }
}
