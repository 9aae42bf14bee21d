using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Debian's <c>docker-registry</c> (CNCF distribution) on a free loopback port, storing in a temporary directory.</summary>
public sealed class LocalRegistry : IAsyncLifetime
{
    public const string RegistryBinary = "/usr/bin/docker-registry";
    public const string SkopeoBinary = "/usr/bin/skopeo";

    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-registry-").FullName;
    private Process? _process;

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>host:port, as skopeo's <c>docker://</c> references want it.</summary>
    public string Authority => Address.Authority;

    public async Task InitializeAsync()
    {
        if (!File.Exists(RegistryBinary))
        {
            return; // The tests skip (or fail on CI) by RegistryFactAttribute.
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var config = Path.Combine(_directory, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_directory, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            """);
        _process = Process.Start(new ProcessStartInfo(RegistryBinary, ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        Address = new Uri($"http://127.0.0.1:{port}/");

        using var http = new HttpClient();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"docker-registry did not answer on {Address}");
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Runs where Debian's <c>docker-registry</c> and <c>skopeo</c> are installed, or on CI (<c>CI</c> set), where their
/// absence is a failure.</summary>
public sealed class RegistryFactAttribute : FactAttribute
{
    public RegistryFactAttribute()
    {
        if ((!File.Exists(LocalRegistry.RegistryBinary) || !File.Exists(LocalRegistry.SkopeoBinary)) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = "Debian's docker-registry and skopeo are not installed: apt-get install docker-registry skopeo";
        }
    }
}
