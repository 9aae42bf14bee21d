using System.Diagnostics;
using System.Net;
using LlamaAspire.LambdaEmulator.Environments;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LlamaAspire.LambdaEmulator.RuntimeApi;

/// <summary>
/// One execution environment's Runtime API: a small Kestrel host on its own loopback port, because runtime
/// clients take AWS_LAMBDA_RUNTIME_API as bare host:port (AWS's Node.js aws-lambda-ric splits it on ':' and
/// drops any path). Hosts are started ahead of need (<see cref="RuntimeApiHostPool"/>) so a cold start
/// never waits for one.
/// </summary>
public sealed class RuntimeApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RuntimeApiHost(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>host:port, the value of AWS_LAMBDA_RUNTIME_API.</summary>
    public string Address { get; }

    /// <summary>The environment this host serves; null while pooled.</summary>
    public ExecutionEnvironment? Target { get; set; }

    public static async Task<RuntimeApiHost> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = "LlamaAspire.LambdaEmulator.RuntimeApi",
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        // Own names so the emulator's ASP.NET Core tracing/metrics do not record Runtime API long-polls.
        builder.Services.AddSingleton(new DiagnosticListener("LlamaAspire.LambdaEmulator.RuntimeApi"));
        builder.Services.AddSingleton(new ActivitySource("LlamaAspire.LambdaEmulator.RuntimeApi.Hosting"));
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        // No console lifetime: SIGTERM/SIGINT belong to the emulator's host, which shuts the environments down.
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.KeepAliveTimeout = TimeSpan.FromDays(1);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        RuntimeApiHost? host = null;
        RuntimeApiEndpoints.Map(app, () => host?.Target);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host = new RuntimeApiHost(app, new Uri(address).Authority);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try { await _app.StopAsync(cts.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { } // graceful stop took over 1 s: dispose closes the listener anyway
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A host lifetime that registers no signal handlers.</summary>
internal sealed class NoSignalsLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Keeps started Runtime API hosts ready so environments get one without waiting.</summary>
public sealed class RuntimeApiHostPool : IAsyncDisposable
{
    private const int Spares = 2;
    private readonly Lock _lock = new();
    private readonly Queue<Task<RuntimeApiHost>> _ready = new();
    private readonly List<RuntimeApiHost> _rented = [];
    private bool _disposed;

    public RuntimeApiHostPool()
    {
        lock (_lock)
        {
            for (var i = 0; i < Spares; i++)
            {
                _ready.Enqueue(RuntimeApiHost.StartAsync(CancellationToken.None));
            }
        }
    }

    public async Task<RuntimeApiHost> RentAsync()
    {
        Task<RuntimeApiHost> next;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            next = _ready.Count > 0 ? _ready.Dequeue() : RuntimeApiHost.StartAsync(CancellationToken.None);
            while (_ready.Count < Spares)
            {
                _ready.Enqueue(RuntimeApiHost.StartAsync(CancellationToken.None));
            }
        }
        var host = await next.ConfigureAwait(false);
        lock (_lock)
        {
            _rented.Add(host);
        }

        return host;
    }

    /// <summary>Environment gone: the host is stopped (its port may still hold a dead client's connections).</summary>
    public async Task ReturnAsync(RuntimeApiHost host)
    {
        lock (_lock)
        {
            _rented.Remove(host);
        }

        host.Target = null;
        await host.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        List<Task<RuntimeApiHost>> ready;
        List<RuntimeApiHost> rented;
        lock (_lock)
        {
            _disposed = true;
            ready = [.. _ready];
            rented = [.. _rented];
            _ready.Clear();
            _rented.Clear();
        }
        foreach (var h in rented)
        {
            await h.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var t in ready)
        {
            try { await (await t.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false); }
            catch (Exception) { /* a spare that failed to start has nothing to stop */ }
        }
    }
}
