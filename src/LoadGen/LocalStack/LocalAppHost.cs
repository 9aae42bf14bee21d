using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LlamaAspire.LambdaContracts.Functions;
using Spectre.Console;

namespace LlamaAspire.LoadGen.LocalStack;

/// <summary>
/// The repository's AppHost, started for one measuring run (<c>--preset</c>): the same system <c>dotnet run --project
/// src/AppHost</c> starts — the model built for the preset, the emulator and its function variants, s3rver — with the emulator
/// on a port chosen here and the dashboard on free ports (so it runs beside a dashboard already open). It is ready when the
/// emulator answers ListFunctions: the emulator waits for its functions' model builds and publishes. Disposing it stops the
/// AppHost the way Ctrl+C does (SIGINT: Aspire stops every resource), then kills what is left.
/// </summary>
public sealed class LocalAppHost : IDisposable
{
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(45);

    private readonly Process _process;
    private readonly StreamWriter _log;

    private LocalAppHost(Process process, StreamWriter log, Uri endpoint, string logPath, Uri dashboard)
    {
        _process = process;
        _log = log;
        Endpoint = endpoint;
        LogPath = logPath;
        Dashboard = dashboard;
    }

    /// <summary>The emulator's Invoke API.</summary>
    public Uri Endpoint { get; }

    /// <summary>Where the AppHost's output goes.</summary>
    public string LogPath { get; }

    /// <summary>The dashboard of this AppHost (its login link is in the log).</summary>
    public Uri Dashboard { get; }

    /// <summary>The AppHost's build configuration: the one `dotnet run --project src/AppHost` uses, so both share one build.</summary>
    private const string Configuration = "Debug";

    /// <summary>Builds and starts the AppHost with <paramref name="preset"/>; returns once its emulator lists its functions.</summary>
    /// <exception cref="InvalidOperationException">The repository, the build or the AppHost failed; the message says where to look.</exception>
    public static async Task<LocalAppHost> StartAsync(string preset, string logDirectory, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        ArgumentNullException.ThrowIfNull(console);
        var repository = RepositoryRoot();
        var project = Path.Combine(repository, "src", "AppHost");
        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, "apphost.log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        try
        {
            await console.Status().StartAsync($"Building the AppHost ({project})…", async _ =>
                await RunToCompletionAsync("dotnet", ["build", project, "-c", Configuration, "-nologo", "-v", "q"], log, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

            var port = FreePort();
            var dashboard = new Uri($"http://localhost:{FreePort()}");
            // The built AppHost itself, not `dotnet run`: the signal that stops it must reach Aspire, not a launcher.
            var start = new ProcessStartInfo(Path.Combine(project, "bin", Configuration, "net10.0", "AppHost"))
            {
                WorkingDirectory = project,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                ArgumentList = { $"--Model:Preset={preset}", $"--Lambda:Port={port}" },
            };
            // What the http launch profile sets, on ports of this run's own.
            start.Environment["ASPNETCORE_URLS"] = dashboard.ToString();
            start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
            start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
            start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
            start.Environment["DOTNET_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} could not be started.");
            Pipe(process, log);
            var host = new LocalAppHost(process, log, new Uri($"http://127.0.0.1:{port}"), logPath, dashboard);
            try
            {
                await console.Status().StartAsync($"Starting the AppHost with preset {preset} (the first run builds the model and publishes the function; output in {logPath})…",
                    async _ => await host.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                return host;
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var list = new Uri(Endpoint, FunctionsApi.ListRoute);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < s_readyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {_process.ExitCode} before its emulator answered. Its output: {LogPath}");
            }

            try
            {
                using var response = await client.GetAsync(list, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet: the emulator starts after the model builds and the function publishes.
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"The AppHost's emulator did not answer at {list} within {s_readyTimeout.TotalMinutes:F0} minutes. Its output: {LogPath}");
    }

    /// <summary>Stops the AppHost as Ctrl+C does, waits for Aspire to stop its resources, then kills whatever is left.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Interrupt(_process.Id);
                if (!_process.WaitForExit(s_stopTimeout))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit();
                }
            }
        }
        finally
        {
            _process.Dispose();
            _log.Dispose();
        }
    }

    private static void Pipe(Process process, StreamWriter log)
    {
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static async Task RunToCompletionAsync(string file, string[] arguments, StreamWriter log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} could not be started.");
        Pipe(process, log);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}; its output is in {((FileStream)log.BaseStream).Name}.");
        }
    }

    /// <summary>The repository this LoadGen was built from (LlamaAspire.sln above the build output), else above the working directory.</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in (string[])[AppContext.BaseDirectory, Environment.CurrentDirectory])
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlamaAspire.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("--preset starts the repository's AppHost: run LoadGen from inside the LlamaAspire repository (no LlamaAspire.sln above it).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGINT, as Ctrl+C sends (.NET can only kill): kill(1) is on every Linux and macOS.</summary>
    private static void Interrupt(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit();
    }
}
