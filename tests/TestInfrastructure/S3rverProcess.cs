using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlamaAspire.TestInfrastructure;

/// <summary>
/// A real S3-compatible server for tests: npm's <c>s3rver</c> (installed by <c>npm ci</c> in <c>src/Hosting/s3rver</c>) on a
/// free loopback port with a throw-away data directory. Its endpoint goes in <c>AWS_ENDPOINT_URL_S3</c>; any credentials pass.
/// </summary>
public sealed class S3rverProcess : IDisposable
{
    /// <summary>The credentials s3rver expects (it accepts any well-formed signature made with them).</summary>
    public const string AccessKey = "S3RVER", SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly string _data;

    private S3rverProcess(Process process, string data, Uri endpoint)
    {
        _process = process;
        _data = data;
        Endpoint = endpoint;
    }

    /// <summary>Where s3rver's package is installed.</summary>
    public static string PackageDirectory { get; } = FindPackageDirectory();

    /// <summary>Whether <c>npm ci</c> has installed it (tests without it skip, unless on CI).</summary>
    public static bool IsInstalled => File.Exists(Script);

    private static string Script => Path.Combine(PackageDirectory, "node_modules", "s3rver", "bin", "s3rver.js");

    /// <summary>The server's URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>The variables an AWS SDK client needs to use this server.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL_S3"] = Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "us-east-1",
    };

    /// <summary>Starts s3rver and waits until it answers.</summary>
    public static async Task<S3rverProcess> StartAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"s3rver is not installed: run `npm ci` in {PackageDirectory}.");
        }

        var data = Path.Combine(Path.GetTempPath(), $"s3rver-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(data);
        var port = FreePort();
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[Script, "--directory", data, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent"])
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new S3rverProcess(process, data, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ;)
        {
            try
            {
                using var response = await http.GetAsync(server.Endpoint);
                return server;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindPackageDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Hosting", "s3rver");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"src/Hosting/s3rver not found above {AppContext.BaseDirectory}.");
    }
}
