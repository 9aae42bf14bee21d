using System.Diagnostics;
using System.Net.Http.Json;
using LlamaAspire.InferenceFunction;
using LlamaAspire.InferenceFunction.Tests;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaContracts.Management;
using LlamaAspire.LambdaEmulator.Tests;
using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;
using Xunit.Abstractions;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// <c>--target aws</c> against the emulator behind <see cref="LambdaApiStandIn"/>, a stand-in for AWS's Lambda endpoint
/// that verifies every request's SigV4 signature: cold, tune, run through the Invoke API and a function URL, all signed;
/// and the errors without credentials, with a wrong key and for an unknown function. The credentials come from the
/// environment, as the standard chain reads them; the tests of this class run one at a time (one collection).
/// </summary>
[Collection(TinyModelCollection.Name)]
public sealed class AwsTargetStandInTests(TinyModelFixture tiny, ITestOutputHelper output) : IDisposable
{
    private const string Function = "llama";
    private const string Region = "eu-west-1";
    private static readonly string Arn = $"arn:aws:lambda:{Region}:123456789012:function:{Function}";
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"loadgen-aws-{Guid.NewGuid():N}");

    [Fact]
    public async Task StandIn_cold_tune_and_run_are_signed_end_to_end()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var aws = await LambdaApiStandIn.StartAsync(emulator.Client.BaseAddress!);
        using var credentials = new AwsEnvironment(LambdaApiStandIn.AccessKey, LambdaApiStandIn.SecretKey, "a-session-token");
        string[] awsTarget = ["--target", "aws", "--endpoint-url", aws.Endpoint.ToString()];

        // Cold starts forced on "AWS": the function by ARN (its region signs the requests), UpdateFunctionConfiguration signed.
        var cold = await RunAsync(["cold", .. awsTarget, "-f", Arn, "-k", "2", "--max-tokens", "4", "--out", Path.Combine(_out, "cold"), "--no-progress"]);
        var coldRequests = Assert.Single(cold.Variants).Requests;
        Assert.Equal([true, true], coldRequests.Select(r => r.Cold));
        Assert.All(coldRequests, r => Assert.NotNull(r.Report?.InitDurationMs));
        Assert.All(coldRequests, r => Assert.NotNull(r.Answer?.Init));
        Assert.Equal(2, await ColdStartsAsync(emulator));
        Assert.StartsWith($"aws {Region} Invoke API", cold.Target, StringComparison.Ordinal);

        // The memory sweep on "AWS", the original size restored.
        var tune = await RunAsync(["tune", .. awsTarget, "-f", Arn, "--memory", "1024,2048", "-n", "1", "--max-tokens", "4",
            "--out", Path.Combine(_out, "tune"), "--no-progress"]);
        Assert.Equal([1024, 2048], tune.Variants.Select(v => Assert.Single(v.Requests).Report!.MemorySizeMb));
        Assert.Equal(3008, (await emulator.Client.GetFromJsonAsync(FunctionsApi.ConfigurationPath(Function), FunctionsJsonContext.Default.FunctionConfiguration))!.MemorySize);

        // Through the function URL (signed too): no log tail, so cold/warm is the function's own word.
        var url = new Uri(aws.Endpoint, $"{Function}/url/").ToString();
        var viaUrl = await RunAsync(["run", "burst", .. awsTarget, "--region", Region, "-f", Function, "--url", url, "--size", "1",
            "--max-tokens", "4", "--out", Path.Combine(_out, "url"), "--no-progress"]);
        var urlRequest = Assert.Single(Assert.Single(viaUrl.Variants).Requests);
        Assert.Equal(RequestOutcome.Ok, urlRequest.Outcome);
        Assert.Null(urlRequest.Report);
        Assert.Equal(urlRequest.Answer!.ColdStart, urlRequest.Cold);
        Assert.InRange(urlRequest.Answer.CompletionTokens!.Value, 1, 4);

        // The same URL found with GetFunctionUrlConfig (signed too).
        var found = await RunAsync(["run", "burst", .. awsTarget, "--region", Region, "-f", Function, "--function-url", "--size", "1",
            "--max-tokens", "4", "--out", Path.Combine(_out, "function-url"), "--no-progress"]);
        Assert.Equal(RequestOutcome.Ok, Assert.Single(Assert.Single(found.Variants).Requests).Outcome);
        Assert.Equal($"aws {Region} function URL {url}", found.Target);

        // Every request reached the emulator signed, for the ARN's region, with the session token.
        Assert.Empty(aws.Failures);
        var calls = aws.Calls;
        Assert.All(calls, c => Assert.Equal(Region, c.Region));
        Assert.All(calls, c => Assert.Contains("x-amz-security-token", c.SignedHeaders, StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "PUT" && c.RawTarget.EndsWith("/configuration", StringComparison.Ordinal) && c.RawTarget.Contains("arn%3Aaws%3Alambda", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "POST" && c.RawTarget.EndsWith("/invocations", StringComparison.Ordinal));
        Assert.Equal(2, calls.Count(c => c.Method == "POST" && c.RawTarget == $"/{Function}/url/"));
        Assert.Contains(calls, c => c.Method == "GET" && c.RawTarget == $"/2021-10-31/functions/{Function}/url");
    }

    [Fact]
    public async Task StandIn_refuses_a_wrong_secret_and_LoadGen_says_so_before_sending_traffic()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var aws = await LambdaApiStandIn.StartAsync(emulator.Client.BaseAddress!);
        using var credentials = new AwsEnvironment(LambdaApiStandIn.AccessKey, "not-the-secret", null);

        var (exit, text) = await RunRawAsync(["run", "burst", "--target", "aws", "--endpoint-url", aws.Endpoint.ToString(), "--region", Region,
            "-f", Function, "--size", "1", "--no-progress"]);
        Assert.Equal(MeasuringCommand<RunSettings>.TargetUnusable, exit);
        Assert.Contains("InvalidSignatureException", text, StringComparison.Ordinal);
        Assert.Contains("signature mismatch", Assert.Single(aws.Failures), StringComparison.Ordinal);
        Assert.Equal(0, await ColdStartsAsync(emulator));
    }

    [Fact]
    public async Task StandIn_unknown_function_and_missing_credentials_are_clear_errors()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var aws = await LambdaApiStandIn.StartAsync(emulator.Client.BaseAddress!);
        string[] awsTarget = ["--target", "aws", "--endpoint-url", aws.Endpoint.ToString(), "--region", Region];

        using (new AwsEnvironment(LambdaApiStandIn.AccessKey, LambdaApiStandIn.SecretKey, null))
        {
            var (exit, text) = await RunRawAsync(["cold", .. awsTarget, "-f", "no-such-function", "-k", "1", "--no-progress"]);
            Assert.Equal(MeasuringCommand<ColdSettings>.TargetUnusable, exit);
            Assert.Contains("No function 'no-such-function' in eu-west-1", text, StringComparison.Ordinal);
        }

        using (new AwsEnvironment(null, null, null))
        {
            var (exit, text) = await RunRawAsync(["tune", .. awsTarget, "-f", Function, "--no-progress"]);
            Assert.Equal(MeasuringCommand<TuneSettings>.TargetUnusable, exit);
            Assert.Contains("No AWS credentials found", text, StringComparison.Ordinal);
            Assert.Contains("--profile", text, StringComparison.Ordinal);

            (exit, text) = await RunRawAsync(["tune", .. awsTarget, "-f", Function, "--profile", "absent", "--no-progress"]);
            Assert.Equal(MeasuringCommand<TuneSettings>.TargetUnusable, exit);
            Assert.Contains("--profile 'absent': no such profile", text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(aws.Calls, c => c.RawTarget.Contains("invocations", StringComparison.Ordinal));
    }

    [AwsCliFact]
    public async Task StandIn_verifier_accepts_the_AWS_CLI_signature_for_a_function_ARN()
    {
        // The stand-in's verifier is checked against AWS's own signing code (the AWS CLI v2): it must accept what AWS signs,
        // or its acceptance of LoadGen's signatures would prove nothing.
        await using var emulator = await StartEmulatorAsync();
        await using var aws = await LambdaApiStandIn.StartAsync(emulator.Client.BaseAddress!);
        var start = new ProcessStartInfo(AwsCliFactAttribute.AwsCli,
            ["lambda", "get-function-configuration", "--endpoint-url", aws.Endpoint.ToString(), "--region", Region, "--function-name", Arn])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["AWS_ACCESS_KEY_ID"] = LambdaApiStandIn.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = LambdaApiStandIn.SecretKey,
                ["AWS_SESSION_TOKEN"] = "a-session-token", ["AWS_EC2_METADATA_DISABLED"] = "true", ["AWS_CONFIG_FILE"] = "/nonexistent",
            },
        };
        using var cli = Process.Start(start)!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = await cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0, $"aws exit {cli.ExitCode}: {stderr}\n{string.Join('\n', aws.Failures)}");
        Assert.Contains("\"MemorySize\": 3008", await stdout, StringComparison.Ordinal);
        var call = Assert.Single(aws.Calls);
        Assert.Contains("arn%3Aaws%3Alambda", call.RawTarget, StringComparison.Ordinal);
    }

    private Task<EmulatorHost> StartEmulatorAsync() => EmulatorHost.StartAsync(new Dictionary<string, string?>
    {
        [$"Lambda:Functions:{Function}:Command"] = "dotnet",
        [$"Lambda:Functions:{Function}:Arguments:0"] = TestPaths.FunctionDll,
        [$"Lambda:Functions:{Function}:MemorySize"] = "3008",
        [$"Lambda:Functions:{Function}:Timeout"] = "120",
        [$"Lambda:Functions:{Function}:Environment:{EnvVars.ModelDir}"] = tiny.OnnxDirectory,
    });

    private static async Task<long> ColdStartsAsync(EmulatorHost emulator) =>
        (await emulator.Client.GetFromJsonAsync(ManagementApi.FunctionPath(Function), ManagementJsonContext.Default.FunctionView))!.ColdStarts;

    private async Task<(int Exit, string Output)> RunRawAsync(string[] args)
    {
        using var console = new TestConsole();
        var exit = await LoadGenApp.Create(console.Console).RunAsync(args);
        output.WriteLine(console.Output);
        return (exit, console.Output);
    }

    private async Task<ResultsDocument> RunAsync(string[] args)
    {
        var (exit, _) = await RunRawAsync(args);
        Assert.True(exit == 0, $"exit {exit}");
        return await ResultsJson.ReadAsync(Path.Combine(args[Array.IndexOf(args, "--out") + 1], ResultsJson.FileName), default);
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    /// <summary>The standard chain's environment for one test: these keys (or none), no profile files, no instance metadata; restored after.</summary>
    private sealed class AwsEnvironment : IDisposable
    {
        private static readonly string[] Names =
        [
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
            "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
        ];

        private readonly Dictionary<string, string?> _saved = Names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

        public AwsEnvironment(string? accessKey, string? secretKey, string? sessionToken)
        {
            foreach (var name in Names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }

            var none = Path.Combine(Path.GetTempPath(), $"no-aws-{Guid.NewGuid():N}");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", accessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", secretKey);
            Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", sessionToken);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(none, "credentials"));
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(none, "config"));
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        }

        public void Dispose()
        {
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
