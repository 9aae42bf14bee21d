using LlamaAspire.LambdaContracts;
using System.Collections.Concurrent;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>Runs <see cref="LambdaBootstrap.RunAsync"/> in the background against a <see cref="FakeRuntimeApi"/>.</summary>
internal sealed class BootstrapHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stop = new();

    private BootstrapHarness(
        FakeRuntimeApi fake, Func<CancellationToken, Task<ILambdaHandler>> initialize, string? initializationType = null, Action<SnapshotHooks>? hooks = null)
    {
        if (initializationType is not null)
        {
            Environment.SetVariable(LambdaEnvironmentVariables.InitializationType, initializationType);
        }

        Options = new LambdaBootstrapOptions
        {
            RuntimeApi = fake.RuntimeApi,
            Environment = Environment,
            Log = Log.Enqueue,
        };
        hooks?.Invoke(Options.SnapshotHooks);
        Run = Task.Run(() => LambdaBootstrap.RunAsync(initialize, Options, _stop.Token));
    }

    public InMemoryLambdaEnvironment Environment { get; } = new();

    public ConcurrentQueue<string> Log { get; } = new();

    public LambdaBootstrapOptions Options { get; }

    public Task<int> Run { get; }

    public static BootstrapHarness Start(FakeRuntimeApi fake, Func<LambdaInvocation, CancellationToken, Task<LambdaResponse>> handler) =>
        new(fake, _ => Task.FromResult<ILambdaHandler>(new DelegateLambdaHandler(handler)));

    /// <summary>Starts a runtime whose environment says <paramref name="initializationType"/>, with the SnapStart hooks <paramref name="hooks"/> registers.</summary>
    public static BootstrapHarness StartWithHooks(
        FakeRuntimeApi fake, string initializationType, Action<SnapshotHooks> hooks, Func<LambdaInvocation, CancellationToken, Task<LambdaResponse>> handler) =>
        new(fake, _ => Task.FromResult<ILambdaHandler>(new DelegateLambdaHandler(handler)), initializationType, hooks);

    public static BootstrapHarness StartWithInit(FakeRuntimeApi fake, Func<CancellationToken, Task<ILambdaHandler>> initialize) =>
        new(fake, initialize);

    /// <summary>Stops the loop and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            await _stop.CancelAsync();
            try
            {
                await Run.WaitAsync(Timeout);
            }
            catch (TimeoutException)
            {
                // reported by the test's own assertions
            }
        }

        _stop.Dispose();
    }
}
