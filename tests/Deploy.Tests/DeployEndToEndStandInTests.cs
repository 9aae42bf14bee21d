using System.Text.Json;
using Amazon.S3;
using LlamaAspire.LlamaModel.Storage;
using LlamaAspire.TestInfrastructure;

namespace LlamaAspire.Deploy.Tests;

/// <summary>s3rver and the CloudFormation stand-in, both taking s3rver's credentials, for the AppHost's deploy and destroy steps.</summary>
public sealed class DeployEnvironmentFixture : IAsyncLifetime
{
    private S3rverProcess? _s3;

    public CloudFormationStandIn StandIn { get; } = new(S3rverProcess.AccessKey, S3rverProcess.SecretKey);

    public StsStandIn Sts { get; } = new(S3rverProcess.AccessKey, S3rverProcess.SecretKey);

    public S3rverProcess S3 => _s3 ?? throw new InvalidOperationException("s3rver did not start.");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("deploy-e2e-").FullName;

    public async Task InitializeAsync()
    {
        if (S3rverProcess.IsInstalled || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            _s3 = await S3rverProcess.StartAsync();
        }
    }

    public Task DisposeAsync()
    {
        _s3?.Dispose();
        StandIn.Dispose();
        Sts.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Each test its own bucket: a destroy deletes every zip of the function in its bucket.</summary>
    public static string Bucket(string stackPrefix) => $"{stackPrefix}artifacts";

    public string StateDirectory(string stackPrefix) => Path.Combine(Directory, stackPrefix, "state");

    /// <summary>Runs <paramref name="step"/> through the product AppHost against s3rver and the stand-ins; each test its own stack
    /// prefix and, unless <paramref name="bucket"/> is false (the account's default bucket then), its own bucket.</summary>
    public Task<AppHostPublish.Result> RunAsync(string step, string stackPrefix, bool yes = true, bool bucket = true) =>
        AppHostPublish.RunAsync(step, Path.Combine(Directory, stackPrefix, "out"),
        [
            "--Deploy:Region", CloudFormationStandIn.Region,
            "--Deploy:CloudFormationEndpoint", StandIn.Endpoint.ToString(),
            "--Deploy:S3ServiceUrl", S3.Endpoint.ToString(),
            "--Deploy:StsEndpoint", Sts.Endpoint.ToString(),
            .. bucket ? (string[])["--Deploy:ArtifactBucket", Bucket(stackPrefix)] : [],
            "--Deploy:StackPrefix", stackPrefix,
            "--Deploy:PollSeconds", "0.1",
            "--Deploy:StateDirectory", StateDirectory(stackPrefix),
            .. yes ? (string[])["--Deploy:Yes", "true"] : [],
        ],
        S3.ClientEnvironment.Where(e => e.Key != S3ModelStore.EndpointVariable).ToDictionary());

    public AmazonS3Client S3Client() => S3ModelStore.CreateClient(name => S3.ClientEnvironment.GetValueOrDefault(name));
}

/// <summary>
/// The product AppHost's <c>deploy-llama-aot</c> and <c>destroy-llama-aot</c> steps, run as a user runs them, with the tiny
/// model's zip uploaded to s3rver and the stack deployed to the CloudFormation stand-in (AWS cannot be reached here).
/// </summary>
[Collection(AppHostPipelineCollection.Name)]
public sealed class DeployEndToEndStandInTests(DeployEnvironmentFixture environment) : IClassFixture<DeployEnvironmentFixture>
{
    private CloudFormationStandIn StandIn => environment.StandIn;

    private int Calls(string action, string stack) =>
        StandIn.Calls.Count(c => c.Action == action && c.Form.GetValueOrDefault("StackName") == stack);

    [S3rverFact]
    public async Task Stand_in_deploy_uploads_the_zip_by_its_hash_executes_the_change_set_reports_the_outputs_and_skips_an_unchanged_second_deploy()
    {
        var result = await environment.RunAsync("deploy-llama-aot", "e2e-");

        Assert.True(result.ExitCode == 0, result.Output);
        var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(environment.StateDirectory("e2e-"), "llama-aot.deployment.json"))).RootElement;
        var key = record.GetProperty("artifactKey").GetString()!;
        Assert.Matches("^llama-aot/[0-9a-f]{64}\\.zip$", key);
        using var s3 = environment.S3Client();
        var uploaded = await s3.GetObjectMetadataAsync(DeployEnvironmentFixture.Bucket("e2e-"), key);
        var zip = Path.Combine(environment.Directory, "e2e-", "out", "llama-aot", "llama-aot.zip");
        Assert.Equal(new FileInfo(zip).Length, uploaded.ContentLength);
        Assert.Equal($"llama-aot/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(zip)))}.zip", key);

        Assert.Equal(1, Calls("ExecuteChangeSet", "e2e-llama-aot"));
        var changeSet = StandIn.Calls.Single(c => c.Action == "CreateChangeSet" && c.Form["StackName"] == "e2e-llama-aot").Form;
        var parameter = changeSet.Single(f => f.Key.EndsWith(".ParameterKey", StringComparison.Ordinal) && f.Value == "ArtifactKey").Key;
        Assert.Equal(key, changeSet[parameter.Replace("ParameterKey", "ParameterValue", StringComparison.Ordinal)]);
        Assert.Contains("Changes to stack e2e-llama-aot:", result.Output, StringComparison.Ordinal);
        Assert.Contains("e2e-llama-aot: Function (AWS::Lambda::Function) CREATE_COMPLETE", result.Output, StringComparison.Ordinal);
        Assert.Contains("llama-aot: FunctionUrl = https://abc.lambda-url.us-east-1.on.aws/", result.Output, StringComparison.Ordinal);
        Assert.Contains("llama-aot: AliasArn = arn:aws:lambda:us-east-1:123456789012:function:e2e-llama-aot:live", result.Output, StringComparison.Ordinal);
        Assert.Equal("https://abc.lambda-url.us-east-1.on.aws/", record.GetProperty("outputs").GetProperty("FunctionUrl").GetString());
        Assert.Empty(StandIn.SignatureFailures);

        var again = await environment.RunAsync("deploy-llama-aot", "e2e-");

        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains($"s3://{DeployEnvironmentFixture.Bucket("e2e-")}/{key} is there already", again.Output, StringComparison.Ordinal);
        Assert.Contains("Stack e2e-llama-aot is unchanged (same template and parameters): nothing to deploy.", again.Output, StringComparison.Ordinal);
        Assert.Equal(1, Calls("ExecuteChangeSet", "e2e-llama-aot"));
        Assert.Contains("llama-aot: FunctionUrl = https://abc.lambda-url.us-east-1.on.aws/", again.Output, StringComparison.Ordinal);
    }

    [S3rverFact]
    public async Task Stand_in_without_confirmation_and_no_one_to_ask_the_deploy_is_refused_saying_how_to_confirm()
    {
        var result = await environment.RunAsync("deploy-llama-aot", "unconfirmed-", yes: false);

        Assert.True(result.ExitCode != 0, result.Output);
        Assert.Contains("confirm on the command line with --Deploy:Yes true", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, Calls("CreateChangeSet", "unconfirmed-llama-aot"));
        Assert.Equal(0, Calls("ExecuteChangeSet", "unconfirmed-llama-aot"));
        Assert.Null(StandIn.StatusOf("unconfirmed-llama-aot"));
    }

    [S3rverFact]
    public async Task Stand_in_a_failing_stack_exits_non_zero_with_the_failing_resource_and_its_reason()
    {
        StandIn.FailNextExecution = ("Function", "Resource handler returned message: Memory size 10240 exceeds the account limit of 3008");

        var result = await environment.RunAsync("deploy-llama-aot", "failing-");

        Assert.True(result.ExitCode != 0, result.Output);
        Assert.Contains("Stack failing-llama-aot ended in ROLLBACK_COMPLETE: Function (AWS::Lambda::Function) CREATE_FAILED: " +
            "Resource handler returned message: Memory size 10240 exceeds the account limit of 3008", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(environment.StateDirectory("failing-"), "llama-aot.deployment.json")));
    }

    [S3rverFact]
    public async Task Stand_in_destroy_deletes_the_stack_the_uploaded_zip_and_the_record()
    {
        var deployed = await environment.RunAsync("deploy-llama-aot", "destroyed-");
        Assert.True(deployed.ExitCode == 0, deployed.Output);
        var recordPath = Path.Combine(environment.StateDirectory("destroyed-"), "llama-aot.deployment.json");
        var key = JsonDocument.Parse(await File.ReadAllTextAsync(recordPath)).RootElement.GetProperty("artifactKey").GetString()!;
        Assert.Equal("CREATE_COMPLETE", StandIn.StatusOf("destroyed-llama-aot"));

        var result = await environment.RunAsync("destroy-llama-aot", "destroyed-");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Null(StandIn.StatusOf("destroyed-llama-aot"));
        Assert.Equal(1, Calls("DeleteStack", "destroyed-llama-aot"));
        using var s3 = environment.S3Client();
        var listed = await s3.ListObjectsV2Async(new() { BucketName = DeployEnvironmentFixture.Bucket("destroyed-"), Prefix = "llama-aot/" });
        Assert.DoesNotContain(listed.S3Objects ?? [], o => o.Key == key);
        Assert.False(File.Exists(recordPath));
        Assert.Contains("Stack destroyed-llama-aot: deleted.", result.Output, StringComparison.Ordinal);
    }

    [S3rverFact]
    public async Task Stand_in_without_an_artifact_bucket_the_zip_goes_to_the_accounts_default_bucket_and_the_log_says_why()
    {
        var result = await environment.RunAsync("deploy-llama-aot", "default-bucket-", bucket: false);

        Assert.True(result.ExitCode == 0, result.Output);
        const string Bucket = $"llamaaspire-artifacts-{StsStandIn.AccountId}-{CloudFormationStandIn.Region}";
        Assert.Contains($"Artifact bucket {Bucket}: the default for account {StsStandIn.AccountId} in {CloudFormationStandIn.Region} " +
            "(Deploy:ArtifactBucket is not set;", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Account {StsStandIn.AccountId} (STS GetCallerIdentity).", result.Output, StringComparison.Ordinal);
        Assert.Contains("GetCallerIdentity", environment.Sts.Calls);
        Assert.Empty(environment.Sts.SignatureFailures);
        var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(environment.StateDirectory("default-bucket-"), "llama-aot.deployment.json"))).RootElement;
        Assert.Equal(Bucket, record.GetProperty("artifactBucket").GetString());
        using var s3 = environment.S3Client();
        var uploaded = await s3.GetObjectMetadataAsync(Bucket, record.GetProperty("artifactKey").GetString()!);
        Assert.True(uploaded.ContentLength > 0);
    }
}
