using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>SnapStart's runtime side against a real Runtime API server: hooks, <c>restore/next</c> and the error paths.</summary>
public sealed class SnapStartTests
{
    private static readonly TimeSpan Timeout = BootstrapHarness.Timeout;
    private const string SnapStart = LambdaEnvironmentVariables.InitializationTypes.SnapStart;

    private static Task<LambdaResponse> Ok(LambdaInvocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(LambdaResponse.Buffered(Encoding.UTF8.GetBytes("ok"), "text/plain"));

    private static Func<ValueTask> Record(ConcurrentQueue<string> calls, string name) => () =>
    {
        calls.Enqueue(name);
        return ValueTask.CompletedTask;
    };

    [Fact]
    public async Task Before_snapshot_hooks_run_in_reverse_then_restore_next_is_held_then_after_restore_hooks_run_in_order()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var calls = new ConcurrentQueue<string>();
        await using var runtime = BootstrapHarness.StartWithHooks(fake, SnapStart, hooks =>
        {
            hooks.RegisterBeforeSnapshot(Record(calls, "before 1"));
            hooks.RegisterBeforeSnapshot(Record(calls, "before 2"));
            hooks.RegisterAfterRestore(Record(calls, "after 1"));
            hooks.RegisterAfterRestore(Record(calls, "after 2"));
        }, Ok);

        await fake.RestoreNextReceived.WaitAsync(Timeout);
        // Held at restore/next: the snapshot point. Nothing after it has run, and next has not been called.
        Assert.Equal(["before 2", "before 1"], calls);
        Assert.Equal(0, fake.NextCalls);

        fake.Restore();
        var result = await fake.Enqueue().Result.WaitAsync(Timeout);

        Assert.Equal("ok", result.BodyText);
        Assert.Equal(["before 2", "before 1", "after 1", "after 2"], calls);
        Assert.Equal(1, fake.RestoreNextCalls);
        Assert.Equal(0, await runtime.StopAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(LambdaEnvironmentVariables.InitializationTypes.OnDemand)]
    [InlineData(LambdaEnvironmentVariables.InitializationTypes.ProvisionedConcurrency)]
    public async Task Without_snap_start_no_hook_runs_and_restore_next_is_never_called(string? initializationType)
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var calls = new ConcurrentQueue<string>();
        await using var runtime = BootstrapHarness.StartWithHooks(fake, initializationType!, hooks =>
        {
            hooks.RegisterBeforeSnapshot(Record(calls, "before"));
            hooks.RegisterAfterRestore(Record(calls, "after"));
        }, Ok);

        Assert.Equal("ok", (await fake.Enqueue().Result.WaitAsync(Timeout)).BodyText);

        Assert.Empty(calls);
        Assert.Equal(0, fake.RestoreNextCalls);
        Assert.Equal(0, await runtime.StopAsync());
    }

    [Fact]
    public async Task A_failing_after_restore_hook_is_posted_to_restore_error_as_AfterRestoreError_and_the_runtime_exits()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var calls = new ConcurrentQueue<string>();
        await using var runtime = BootstrapHarness.StartWithHooks(fake, SnapStart, hooks =>
        {
            hooks.RegisterAfterRestore(() => throw new InvalidOperationException("reconnect failed"));
            hooks.RegisterAfterRestore(Record(calls, "after 2"));
        }, Ok);

        await fake.RestoreNextReceived.WaitAsync(Timeout);
        fake.Restore();
        var error = await fake.RestoreError.WaitAsync(Timeout);

        Assert.Equal(RuntimePostKind.RestoreError, error.Kind);
        Assert.Equal(LambdaErrorTypes.AfterRestoreError, error.ErrorType);
        using var document = JsonDocument.Parse(error.Body);
        Assert.Equal(LambdaErrorTypes.AfterRestoreError, document.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("reconnect failed", document.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(LambdaBootstrap.ExitCodeRestoreError, await runtime.Run.WaitAsync(Timeout));
        Assert.Empty(calls); // the first failure stops the rest
        Assert.Equal(0, fake.NextCalls);
    }

    [Fact]
    public async Task A_failing_before_snapshot_hook_is_an_init_error_BeforeSnapshotError_and_restore_next_is_not_called()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.StartWithHooks(fake, SnapStart, hooks =>
            hooks.RegisterBeforeSnapshot(async () =>
            {
                await Task.Yield();
                throw new IOException("flush failed");
            }), Ok);

        var error = await fake.InitError.WaitAsync(Timeout);

        Assert.Equal(LambdaErrorTypes.BeforeSnapshotError, error.ErrorType);
        Assert.Contains("flush failed", error.BodyText);
        Assert.Equal(LambdaBootstrap.ExitCodeInitError, await runtime.Run.WaitAsync(Timeout));
        Assert.Equal(0, fake.RestoreNextCalls);
        Assert.Equal(0, fake.NextCalls);
    }

    [Fact]
    public async Task Stopping_while_held_at_restore_next_returns_zero_without_running_after_restore_hooks()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var calls = new ConcurrentQueue<string>();
        await using var runtime = BootstrapHarness.StartWithHooks(fake, SnapStart, hooks => hooks.RegisterAfterRestore(Record(calls, "after")), Ok);

        await fake.RestoreNextReceived.WaitAsync(Timeout);

        Assert.Equal(LambdaBootstrap.ExitCodeStopped, await runtime.StopAsync());
        Assert.Empty(calls);
    }

    [Fact]
    public void Registering_a_null_hook_throws()
    {
        var hooks = new SnapshotHooks();
        Assert.Throws<ArgumentNullException>(() => hooks.RegisterBeforeSnapshot(null!));
        Assert.Throws<ArgumentNullException>(() => hooks.RegisterAfterRestore(null!));
    }
}
