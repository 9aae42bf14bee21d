namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>The end of environments: after an invoke, idle expiry, recycle (force cold start) and emulator stop.</summary>
public sealed partial class FunctionPool
{
    /// <summary>After an invoke: a dead environment leaves the pool; a recycled idle one shuts down; else it stays
    /// (it became idle when the runtime answered, and may already be running the next invoke).</summary>
    private async Task ReleaseAsync(ExecutionEnvironment env)
    {
        bool remove;
        lock (Emulator.Lock)
        {
            remove = !env.Lifecycle.IsAlive || (env.RetireAfterInvoke && env.Lifecycle.IsIdle);
            if (remove)
            {
                _environments.Remove(env);
            }
        }

        if (remove)
        {
            await ShutdownEnvironmentAsync(env).ConfigureAwait(false);
            if (env.Provisioned)
            {
                _ = ProvisionAsync(); // Lambda replaces a provisioned environment that ended
            }
        }
    }

    private async Task ShutdownEnvironmentAsync(ExecutionEnvironment env)
    {
        await env.ShutdownAsync().ConfigureAwait(false);
        await Emulator.Hosts.ReturnAsync(env.RuntimeApi).ConfigureAwait(false);
        env.Dispose();
    }

    /// <summary>Shuts down idle on-demand environments (all, or those unused for IdleTimeout); returns how many. Provisioned
    /// environments stay: they are kept warm whether used or not.</summary>
    public Task<int> ShutdownIdleAsync(bool expiredOnly)
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromSeconds(Options.IdleTimeout);
        // A held SnapStart environment stays too: it is the function's snapshot, not a warm environment.
        return ShutdownIdleWhereAsync(e => !e.Provisioned && e.State != EnvironmentState.Snapshotted && (!expiredOnly || e.LastUsedAt < cutoff));
    }

    /// <summary>Shuts down the idle (or held SnapStart) environments that match, and dead ones; returns how many.</summary>
    private async Task<int> ShutdownIdleWhereAsync(Func<ExecutionEnvironment, bool> match)
    {
        List<ExecutionEnvironment> victims;
        lock (Emulator.Lock)
        {
            victims = _environments.Where(e => e.State == EnvironmentState.Dead
                || ((e.Lifecycle.IsIdle || e.State == EnvironmentState.Snapshotted) && match(e))).ToList();
            foreach (var v in victims)
            {
                _environments.Remove(v);
            }
        }

        await Task.WhenAll(victims.Select(ShutdownEnvironmentAsync)).ConfigureAwait(false);
        return victims.Count;
    }

    /// <summary>Force cold start: idle environments shut down now, busy ones when their invoke ends.</summary>
    public async Task<int> RecycleAsync()
    {
        lock (Emulator.Lock)
        {
            foreach (var e in _environments.Where(e => e.Lifecycle.IsInUse))
            {
                e.RetireAfterInvoke = true;
            }
        }

        var shutDown = await ShutdownIdleWhereAsync(_ => true).ConfigureAwait(false);
        int retiring;
        lock (Emulator.Lock)
        {
            retiring = _environments.Count(e => e.RetireAfterInvoke);
        }

        _ = ProvisionAsync(); // provisioned environments come back, initialized afresh
        return shutDown + retiring;
    }

    /// <summary>Emulator stop: every environment, busy or not.</summary>
    public async Task ShutdownAllAsync()
    {
        List<ExecutionEnvironment> all;
        lock (Emulator.Lock)
        {
            _stopping = true;
            all = [.. _environments];
            _environments.Clear();
        }

        await Task.WhenAll(all.Select(ShutdownEnvironmentAsync)).ConfigureAwait(false);
    }
}
