using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.RuntimeApi;
using LlamaAspire.LambdaEmulator.Telemetry;
using Microsoft.Extensions.Options;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// The emulator's functions and their environments: idle-timeout sweeping, and shutdown of every process
/// (SIGTERM, SIGKILL after 2 s) when the emulator stops, so no runtime outlives it.
/// </summary>
public sealed class Emulator : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger<Emulator> _logger;
    private Task? _sweeper;
    private bool _stopped;

    public Emulator(IOptions<LambdaEmulatorOptions> options, PlatformLog log, ResourceLimits limits,
        EmulatorTelemetry telemetry, OrphanGuard guard, ILogger<Emulator> logger)
    {
        Guard = guard;
        Options = options.Value;
        Log = log;
        Limits = limits;
        Telemetry = telemetry;
        _logger = logger;
        Hosts = new RuntimeApiHostPool();
        Functions = Options.Functions.ToDictionary(kv => kv.Key, kv => new FunctionPool(kv.Key, kv.Value, this), StringComparer.Ordinal);
        telemetry.RegisterGauges(() => Functions.Values.Select(f =>
        {
            var (live, busy) = f.Counts;
            return (f.Name, live, busy);
        }).ToList());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public LambdaEmulatorOptions Options { get; }
    public PlatformLog Log { get; }
    public ResourceLimits Limits { get; }
    public EmulatorTelemetry Telemetry { get; }
    public RuntimeApiHostPool Hosts { get; }
    public OrphanGuard Guard { get; }
    public IReadOnlyDictionary<string, FunctionPool> Functions { get; }

    /// <summary>Guards every pool's environment lists and concurrency counts (account concurrency spans functions).</summary>
    public Lock Lock { get; } = new();

    public int TotalInUse() => Functions.Values.Sum(f => f.InUse);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var f in Functions.Values)
        {
            _logger.LogInformation("Function {Name}: {Command} {Arguments} (MemorySize {Memory} MB = {Vcpu:F2} vCPU on {Cores} core(s), Timeout {Timeout} s, IdleTimeout {Idle} s, ReservedConcurrency {Reserved})",
                f.Name, f.Options.Command, string.Join(' ', f.Options.Arguments), f.Options.MemorySize, LlamaAspire.LambdaContracts.LambdaLimits.VcpusFor(f.Options.MemorySize),
                Limits.CoresFor(f.Options.MemorySize), f.Options.Timeout, f.Options.IdleTimeout, f.ReservedConcurrency?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        }

        foreach (var f in Functions.Values.Where(f => f.ProvisionedConcurrency > 0 || f.Options.SnapStart))
        {
            // Ahead of traffic: provisioned environments and SnapStart's held one; failures show in the API and the log.
            _ = f.ProvisionAsync();
        }

        _sweeper = Task.Run(SweepAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task SweepAsync()
    {
        var interval = TimeSpan.FromSeconds(Math.Clamp(Functions.Values.Select(f => f.Options.IdleTimeout).DefaultIfEmpty(60).Min() / 4.0, 0.25, 5));
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (var f in Functions.Values)
                {
                    try { await f.ShutdownIdleAsync(expiredOnly: true).ConfigureAwait(false); }
                    catch (Exception ex) { _logger.LogWarning(ex, "Idle sweep of {Function} failed", f.Name); }
                }
            }
        }
        catch (OperationCanceledException) { } // the emulator is stopping: the sweep ends with it
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_sweeper is not null)
        {
            await _sweeper.ConfigureAwait(false);
        }

        await Task.WhenAll(Functions.Values.Select(f => f.ShutdownAllAsync())).ConfigureAwait(false);
        await Hosts.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Last resort on process exit: SIGKILL whatever is still running.</summary>
    private void KillAll()
    {
        foreach (var f in Functions.Values)
        {
            foreach (var e in f.Environments)
            {
                e.Kill();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
