using System.Diagnostics;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>Skipped only when the tool is absent AND CI is unset (CI installs both: apt awscli, npm ci in node-aws-sdk).</summary>
public sealed class AwsClientFactAttribute : FactAttribute
{
    public AwsClientFactAttribute(string tool)
    {
        var present = tool == nameof(AwsClientTests.AwsCli) ? File.Exists(AwsClientTests.AwsCli) : AwsClientTests.JsSdkInstalled;
        if (!present && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = tool == nameof(AwsClientTests.AwsCli)
                ? $"AWS CLI v2 not found at {AwsClientTests.AwsCli}: apt-get install awscli"
                : $"@aws-sdk/client-lambda is not installed: run `npm ci` in {Paths.NodeAwsSdkDir}";
        }
    }
}

/// <summary>AWS's own clients — the AWS CLI v2 and the JavaScript SDK v3 — against the emulator, unmodified apart from the endpoint.</summary>
public sealed class AwsClientTests
{
    /// <summary>Debian's AWS CLI v2 (a pyenv v1 shim may come first on PATH).</summary>
    internal const string AwsCli = "/usr/bin/aws";

    internal static bool JsSdkInstalled => Directory.Exists(Path.Combine(Paths.NodeAwsSdkDir, "node_modules", "@aws-sdk", "client-lambda"));

    private static Dictionary<string, string?> Functions()
    {
        var config = EmulatorHost.TestFunction("llama-a");
        foreach (var (k, v) in EmulatorHost.TestFunction("llama-b"))
        {
            config[k] = v;
        }

        return config;
    }

    [AwsClientFact(nameof(AwsCli))]
    public async Task AwsCli_ListsDescribesUpdatesAndReservesConcurrency()
    {
        await using var host = await EmulatorHost.StartAsync(Functions());
        var list = await CliAsync(host, "lambda", "list-functions", "--max-items", "1");
        Assert.Equal("llama-a", Assert.Single(list.GetProperty("Functions").EnumerateArray()).GetProperty("FunctionName").GetString());
        Assert.True(list.TryGetProperty("NextToken", out _), "the CLI's paginator saw more pages");
        var all = await CliAsync(host, "lambda", "list-functions");
        Assert.Equal(2, all.GetProperty("Functions").GetArrayLength());

        var config = await CliAsync(host, "lambda", "get-function-configuration", "--function-name", "llama-b");
        Assert.Equal(256, config.GetProperty("MemorySize").GetInt32());

        var updated = await CliAsync(host, "lambda", "update-function-configuration", "--function-name", "llama-b", "--memory-size", "1024");
        Assert.Equal(1024, updated.GetProperty("MemorySize").GetInt32());
        await CliAsync(host, "lambda", "wait", "function-updated-v2", "--function-name", "llama-b");
        Assert.Equal("Successful", (await CliAsync(host, "lambda", "get-function", "--function-name", "llama-b"))
            .GetProperty("Configuration").GetProperty("LastUpdateStatus").GetString());

        await CliAsync(host, "lambda", "put-function-concurrency", "--function-name", "llama-a", "--reserved-concurrent-executions", "3");
        Assert.Equal(3, (await CliAsync(host, "lambda", "get-function-concurrency", "--function-name", "llama-a")).GetProperty("ReservedConcurrentExecutions").GetInt32());
        Assert.Equal(997, (await CliAsync(host, "lambda", "get-account-settings")).GetProperty("AccountLimit").GetProperty("UnreservedConcurrentExecutions").GetInt32());

        var missing = await RunAsync(AwsCli, CliArguments(host, "lambda", "get-function", "--function-name", "nope"), null);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ResourceNotFoundException", missing.Stderr);
    }

    [AwsClientFact("JsSdk")]
    public async Task JavaScriptSdkV3_GetFunctionListFunctionsUpdateAndInvokeWithResponseStream()
    {
        await using var host = await EmulatorHost.StartAsync(Functions());
        var result = await RunAsync("node", ["drive.mjs", host.Client.BaseAddress!.ToString().TrimEnd('/'), "llama-a", "llama-b"], Paths.NodeAwsSdkDir);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var output = JsonDocument.Parse(result.Stdout).RootElement;

        Assert.Equal("llama-a", output.GetProperty("getFunction").GetProperty("name").GetString());
        Assert.Equal("Active", output.GetProperty("getFunction").GetProperty("state").GetString());
        Assert.Equal(["llama-a", "llama-b"], output.GetProperty("list").GetProperty("names").EnumerateArray().Select(n => n.GetString()!).ToArray());
        Assert.Equal(2, output.GetProperty("list").GetProperty("pages").GetInt32());
        Assert.Equal(1000, output.GetProperty("account").GetInt32());
        Assert.Equal("Successful", output.GetProperty("update").GetProperty("last").GetString());
        Assert.Equal(384, output.GetProperty("update").GetProperty("memory").GetInt32());

        var stream = output.GetProperty("stream");
        Assert.Equal(200, stream.GetProperty("statusCode").GetInt32());
        Assert.Equal("$LATEST", stream.GetProperty("version").GetString());
        Assert.StartsWith("text/plain", stream.GetProperty("contentType").GetString());
        var chunks = stream.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal("chunk 0\nchunk 1\nchunk 2\n", string.Concat(chunks.Select(c => c.GetProperty("text").GetString())));
        // Written 300 ms apart; two of them may reach the SDK in one read (CI saw 0 and 1 together), but a buffered body would
        // arrive at once: streamed means at least two reads, at least one of the function's pauses apart.
        Assert.True(chunks.Count >= 2 && chunks[^1].GetProperty("atMs").GetDouble() - chunks[0].GetProperty("atMs").GetDouble() >= 250,
            "the SDK saw chunks as they were written");
        Assert.Equal(JsonValueKind.Null, stream.GetProperty("errorCode").ValueKind);
        Assert.Contains("REPORT RequestId:", stream.GetProperty("log").GetString());
        Assert.Equal("ResourceNotFoundException", output.GetProperty("notFound").GetString());
    }

    private static string[] CliArguments(EmulatorHost host, params string[] args) =>
        [.. args, "--endpoint-url", host.Client.BaseAddress!.ToString().TrimEnd('/'), "--output", "json"];

    private static async Task<JsonElement> CliAsync(EmulatorHost host, params string[] args)
    {
        var result = await RunAsync(AwsCli, CliArguments(host, args), null);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)} → exit {result.ExitCode}: {result.Stderr}");
        return result.Stdout.Trim().Length == 0 ? default : JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        // Credentials of no account: the emulator does not check signatures, but the clients will not send unsigned requests.
        psi.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "emulator";
        psi.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        psi.Environment["AWS_REGION"] = "us-east-1";
        psi.Environment["AWS_PAGER"] = "";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
