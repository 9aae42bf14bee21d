using LlamaAspire.LambdaContracts;
namespace LlamaAspire.LambdaRuntime;

/// <summary>
/// The runtime loop (the <c>Amazon.Lambda.RuntimeSupport</c> <c>LambdaBootstrap</c> role): initialize, then
/// (under SnapStart: before-snapshot hooks, <c>restore/next</c>, after-restore hooks, see <see cref="SnapshotHooks"/>), then
/// next → handler → response/error until the Runtime API says stop. Exit codes: <see cref="ExitCodeStopped"/>,
/// <see cref="ExitCodeInitError"/>, <see cref="ExitCodeRuntimeApiError"/>, <see cref="ExitCodeRestoreError"/>.
/// </summary>
public static class LambdaBootstrap
{
    /// <summary>The cancellation token passed to <see cref="RunAsync"/> fired.</summary>
    public const int ExitCodeStopped = 0;

    /// <summary>Initialization threw; the error was posted to <c>/runtime/init/error</c>.</summary>
    public const int ExitCodeInitError = 1;

    /// <summary>The Runtime API failed or told the runtime to exit (e.g. <c>next</c> answered 500), or is not configured.</summary>
    public const int ExitCodeRuntimeApiError = 2;

    /// <summary>SnapStart: an after-restore hook threw; the error was posted to <c>/runtime/restore/error</c>.</summary>
    public const int ExitCodeRestoreError = 3;

    /// <summary>
    /// Runs the function: <paramref name="initialize"/> once (an exception → <c>POST /runtime/init/error</c>, returns
    /// <see cref="ExitCodeInitError"/>), then serves invokes one at a time until the Runtime API fails or <paramref name="cancellationToken"/> fires.
    /// The caller exits the process with the returned code.
    /// </summary>
    public static async Task<int> RunAsync(
        Func<CancellationToken, Task<ILambdaHandler>> initialize,
        LambdaBootstrapOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        options ??= new LambdaBootstrapOptions();
        var log = options.LogOrDefault;

        RuntimeApiClient client;
        try
        {
            client = new RuntimeApiClient(options);
        }
        catch (InvalidOperationException ex)
        {
            log($"ERROR\t{ex.Message}");
            return ExitCodeRuntimeApiError;
        }

        using (client)
        {
            client.ConnectInBackground();
            ILambdaHandler handler;
            try
            {
                handler = await initialize(cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("The initializer returned no handler.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodeStopped;
            }
            catch (Exception ex)
            {
                log($"INIT\tERROR\t{ex}");
                try
                {
                    await client.ReportInitErrorAsync(ex, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception reportError)
                {
                    log($"INIT\tERROR\tcould not report the init error: {reportError.Message}");
                }

                return ExitCodeInitError;
            }

            if (await SnapStartPhase.RunAsync(client, options, log, cancellationToken).ConfigureAwait(false) is { } snapStartExit)
            {
                return snapStartExit;
            }

            return await RunLoopAsync(client, handler, options, log, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunLoopAsync(
        RuntimeApiClient client, ILambdaHandler handler, LambdaBootstrapOptions options, Action<string> log, CancellationToken stopToken)
    {
        var environment = options.Environment;
        var timeProvider = options.TimeProvider;
        var deadline = new InvokeCancellation(timeProvider);
        using var stopRegistration = stopToken.UnsafeRegister(static state => ((InvokeCancellation)state!).Cancel(), deadline);
        try
        {
            while (!stopToken.IsCancellationRequested)
            {
                LambdaInvocation invocation;
                try
                {
                    invocation = await client.NextAsync(stopToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
                {
                    return ExitCodeStopped;
                }
                catch (Exception ex)
                {
                    log($"ERROR\tGET next failed, exiting: {ex.Message}");
                    return ExitCodeRuntimeApiError;
                }

                environment.SetVariable(LambdaEnvironmentVariables.TraceId, invocation.TraceId);
                var invokeToken = deadline.Arm(invocation.Deadline, stopToken);

                LambdaResponse? response = null;
                Exception? error = null;
                try
                {
                    response = await handler.InvokeAsync(invocation, invokeToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException("The handler returned no response.");
                }
                catch (Exception ex)
                {
                    error = ex;
                }

                try
                {
                    if (error is not null)
                    {
                        log($"{invocation.RequestId}\tERROR\t{error}");
                        await client.ReportInvocationErrorAsync(invocation.RequestId, error, stopToken).ConfigureAwait(false);
                    }
                    else if (response is BufferedLambdaResponse buffered)
                    {
                        if (buffered.Body.Length > LambdaLimits.MaxBufferedResponseBytes)
                        {
                            var tooLarge = new LambdaFunctionException(
                                LambdaErrorTypes.ResponseSizeTooLarge,
                                $"Response payload size ({buffered.Body.Length} bytes) exceeded maximum allowed payload size ({LambdaLimits.MaxBufferedResponseBytes} bytes).");
                            log($"{invocation.RequestId}\tERROR\t{tooLarge.Message}");
                            await client.ReportInvocationErrorAsync(invocation.RequestId, tooLarge, stopToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await client.SendResponseAsync(invocation.RequestId, buffered.Body, buffered.ContentType, stopToken).ConfigureAwait(false);
                        }
                    }
                    else if (response is StreamingLambdaResponse streaming)
                    {
                        await client.SendStreamingResponseAsync(
                            invocation.RequestId, streaming.ContentType, streaming.WriteAsync, invokeToken, stopToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
                {
                    return ExitCodeStopped;
                }
                catch (HttpRequestException ex) when (ex.StatusCode is { } status && (int)status is >= 400 and < 500)
                {
                    // 400/403/413: this invoke's result was refused; the environment itself is fine.
                    log($"{invocation.RequestId}\tERROR\tthe Runtime API refused the result: {ex.Message}");
                }
                catch (Exception ex)
                {
                    log($"{invocation.RequestId}\tERROR\tcould not send the result, exiting: {ex.Message}");
                    return ExitCodeRuntimeApiError;
                }
            }

            return ExitCodeStopped;
        }
        finally
        {
            deadline.Dispose();
        }
    }

    /// <summary>One reusable deadline token source (reset per invoke when it did not fire), cancelled also when the bootstrap stops.</summary>
    private sealed class InvokeCancellation(TimeProvider timeProvider) : IDisposable
    {
        private static readonly TimeSpan s_maxTimer = TimeSpan.FromDays(30);
        private readonly object _gate = new();
        private CancellationTokenSource _source = new(Timeout.InfiniteTimeSpan, timeProvider);
        private bool _disposed;

        public CancellationToken Arm(DateTimeOffset deadline, CancellationToken stopToken)
        {
            CancellationTokenSource source;
            lock (_gate)
            {
                if (!_source.TryReset())
                {
                    _source.Dispose();
                    _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
                }

                source = _source;
            }

            if (stopToken.IsCancellationRequested)
            {
                source.Cancel();
            }
            else if (deadline != DateTimeOffset.MaxValue)
            {
                var remaining = deadline - timeProvider.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    source.Cancel();
                }
                else if (remaining < s_maxTimer)
                {
                    source.CancelAfter(remaining);
                }
            }

            return source.Token;
        }

        public void Cancel()
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _source.Cancel();
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _source.Dispose();
            }
        }
    }
}
