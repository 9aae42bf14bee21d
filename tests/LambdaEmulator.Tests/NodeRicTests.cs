using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>
/// Skipped only when node-ric/node_modules is absent AND the CI variable is unset; in CI the test installs the
/// packages itself if needed (npm install builds aws-lambda-ric's native client: autoconf automake libtool cmake g++ make python3).
/// </summary>
public sealed class NodeRicFactAttribute : FactAttribute
{
    public NodeRicFactAttribute()
    {
        if (!NodeRicTests.Installed && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"AWS aws-lambda-ric is not installed: run `npm ci` in {Paths.NodeRicDir} (CI sets CI=1 and the test installs it)";
        }
    }
}

/// <summary>AWS's own Node.js runtime interface client (npm aws-lambda-ric) against the emulator's Runtime API.</summary>
public sealed class NodeRicTests
{
    internal static bool Installed => File.Exists(RicPath);

    private static string RicPath => Path.Combine(Paths.NodeRicDir, "node_modules", ".bin", "aws-lambda-ric");

    private static Dictionary<string, string?> NodeFunction(string name, string handler) => new()
    {
        [$"Lambda:Functions:{name}:Command"] = RicPath,
        [$"Lambda:Functions:{name}:Arguments:0"] = handler,
        [$"Lambda:Functions:{name}:WorkingDirectory"] = Paths.NodeRicDir,
        [$"Lambda:Functions:{name}:MemorySize"] = "512",
        [$"Lambda:Functions:{name}:Timeout"] = "30",
    };

    [NodeRicFact]
    public async Task AwsNodeRic_RunsAHandler_BufferedErrorsAndStreaming()
    {
        await EnsureInstalledAsync();
        var config = NodeFunction("node", "index.handler");
        foreach (var (k, v) in NodeFunction("nodestream", "index.stream"))
        {
            config[k] = v;
        }

        await using var host = await EmulatorHost.StartAsync(config);

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientContext = """{"custom":{"k":"v"}}""";
        using (var response = await host.InvokeAsync("node", """{"hello":"node"}""", tail: true, headers: h =>
        {
            h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
            h.Add("X-Amz-Client-Context", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientContext)));
        }))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-Amz-Function-Error"), text);
            var body = JsonDocument.Parse(text).RootElement;
            Assert.Equal("node", body.GetProperty("event").GetProperty("hello").GetString());
            Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), body.GetProperty("requestId").GetString());
            Assert.Equal("node", body.GetProperty("functionName").GetString());
            Assert.Equal("512", body.GetProperty("memoryLimitInMB").GetString());
            Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:node", body.GetProperty("invokedFunctionArn").GetString());
            Assert.InRange(body.GetProperty("remainingMs").GetInt64(), 1, 30_000);
            Assert.Equal("v", body.GetProperty("clientContext").GetProperty("custom").GetProperty("k").GetString());
            Assert.StartsWith($"Root=1-{traceId[..8]}-{traceId[8..]};Parent=", body.GetProperty("traceId").GetString());
            var tail = Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Amz-Log-Result").Single()));
            Assert.Contains("node handler invoked", tail);
            Assert.Contains("Init Duration", tail);
        }

        // A thrown error comes back through /error (posted by the RIC's native client).
        using (var response = await host.InvokeAsync("node", """{"fail":true}"""))
        {
            Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("NodeTestError", body.GetProperty("errorType").GetString());
            Assert.Equal("node handler failed on purpose", body.GetProperty("errorMessage").GetString());
        }
        Assert.Equal(1, (await host.FunctionAsync("node")).GetProperty("coldStarts").GetInt64());

        // Response streaming through a function URL: awslambda.HttpResponseStream prelude, then chunks as written.
        using (var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/nodestream/url/x"), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("yes", response.Headers.GetValues("x-node-stream").Single());
            var stream = await response.Content.ReadAsStreamAsync();
            var clock = Stopwatch.StartNew();
            var arrivals = new List<(double Ms, string Text)>();
            var buffer = new byte[1024];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                arrivals.Add((clock.Elapsed.TotalMilliseconds, Encoding.UTF8.GetString(buffer, 0, read)));
            }

            Assert.Equal("node chunk 0\nnode chunk 1\nnode chunk 2\n", string.Concat(arrivals.Select(a => a.Text)));
            Assert.True(arrivals.Last().Ms - arrivals.First().Ms > 400, "the stream was buffered");
        }
    }

    private static async Task EnsureInstalledAsync()
    {
        if (Installed)
        {
            return;
        }
        // CI without node_modules: install (builds the native client; needs autoconf automake libtool cmake g++ make python3).
        var psi = new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = Paths.NodeRicDir, UseShellExecute = false };
        using var npm = Process.Start(psi)!;
        await npm.WaitForExitAsync();
        Assert.True(npm.ExitCode == 0 && Installed, $"npm ci in {Paths.NodeRicDir} failed (exit {npm.ExitCode}); apt-get install -y autoconf automake libtool cmake g++ make python3 nodejs npm");
    }
}
