using Amazon.Runtime;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.Hosting.Deploy.CloudFormation;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The stack deployer against the CloudFormation stand-in (AWS cannot be reached here): change sets always, a no-op
/// skipped, ROLLBACK_COMPLETE recovered, a failure reported with the failing resource's reason.</summary>
public sealed class StackDeployerStandInTests : IDisposable
{
    private static readonly Dictionary<string, string> Parameters = new() { ["ArtifactBucket"] = "bucket", ["ArtifactKey"] = "llama/abc.zip" };

    private readonly CloudFormationStandIn _standIn = new();
    private readonly HttpClient _http = new();
    private readonly List<string> _said = [];
    private readonly List<IReadOnlyList<StackChange>> _confirmed = [];

    public void Dispose()
    {
        _http.Dispose();
        _standIn.Dispose();
    }

    private StackDeployer Deployer(bool confirm = true) => new(
        new CloudFormationClient(_http, _standIn.Endpoint, CloudFormationStandIn.Region,
            () => new ImmutableCredentials(CloudFormationStandIn.AccessKey, CloudFormationStandIn.SecretKey, "session-token")),
        _said.Add,
        (changes, _) =>
        {
            _confirmed.Add(changes);
            return Task.FromResult(confirm);
        },
        TimeSpan.FromMilliseconds(10));

    private static string Template(int retentionDays = 14) =>
        TemplateWriter.ToJson(CloudFormationTemplate.Build(Deployments.Zip(new LambdaDeployAnnotation { LogRetentionDays = retentionDays })));

    private int CallsTo(string action) => _standIn.Calls.Count(c => c.Action == action);

    [Fact]
    public async Task Stand_in_a_new_stack_is_created_through_a_change_set_shown_as_a_table_and_confirmed()
    {
        var stack = await Deployer().DeployAsync("llama", Template(), Parameters, CancellationToken.None);

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Equal("https://abc.lambda-url.us-east-1.on.aws/", stack.Outputs["FunctionUrl"]);
        Assert.All(Assert.Single(_confirmed), c => Assert.Equal("Add", c.Action));
        Assert.Contains(_said, s => s.StartsWith("Changes to stack llama:\nOperation", StringComparison.Ordinal) && s.Contains("+ Add", StringComparison.Ordinal));
        Assert.Contains("Stack llama is CREATE_IN_PROGRESS: waiting.", _said);
        Assert.Empty(_standIn.SignatureFailures);
    }

    [Fact]
    public async Task Stand_in_the_same_template_and_parameters_again_is_skipped_by_the_hash_tag()
    {
        await Deployer().DeployAsync("llama", Template(), Parameters, CancellationToken.None);
        var again = await Deployer().DeployAsync("llama", Template(), Parameters, CancellationToken.None);

        Assert.Equal("CREATE_COMPLETE", again.Status);
        Assert.Equal(1, CallsTo("CreateChangeSet"));
        Assert.Contains("Stack llama is unchanged (same template and parameters): nothing to deploy.", _said);
    }

    [Fact]
    public async Task Stand_in_a_changed_template_is_an_update_whose_modifications_are_shown()
    {
        await Deployer().DeployAsync("llama", Template(14), Parameters, CancellationToken.None);
        var updated = await Deployer().DeployAsync("llama", Template(30), Parameters, CancellationToken.None);

        Assert.Equal("UPDATE_COMPLETE", updated.Status);
        var change = Assert.Single(_confirmed[^1]);
        Assert.Equal(new StackChange("Modify", CloudFormationTemplate.Names.LogGroup, "AWS::Logs::LogGroup", "Conditional"), change);
        Assert.Equal("UPDATE", _standIn.Calls.Last(c => c.Action == "CreateChangeSet").Form["ChangeSetType"]);
    }

    [Fact]
    public async Task Stand_in_a_failed_create_reports_the_failing_resource_and_its_reason()
    {
        _standIn.FailNextExecution = ("Function", "Resource handler returned message: Memory size 10240 exceeds the account limit of 3008");

        var error = await Assert.ThrowsAsync<CloudFormationException>(() => Deployer().DeployAsync("llama", Template(), Parameters, CancellationToken.None));

        Assert.Equal("Stack llama ended in ROLLBACK_COMPLETE: Function (AWS::Lambda::Function) CREATE_FAILED: " +
            "Resource handler returned message: Memory size 10240 exceeds the account limit of 3008", error.Message[(error.Code.Length + 2)..]);
    }

    [Fact]
    public async Task Stand_in_a_stack_in_ROLLBACK_COMPLETE_is_deleted_and_created_again_saying_so()
    {
        _standIn.SetStack("llama", "ROLLBACK_COMPLETE");

        var stack = await Deployer().DeployAsync("llama", Template(), Parameters, CancellationToken.None);

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Equal(1, CallsTo("DeleteStack"));
        Assert.Equal("CREATE", _standIn.Calls.Single(c => c.Action == "CreateChangeSet").Form["ChangeSetType"]);
        Assert.Contains(_said, s => s.Contains("ROLLBACK_COMPLETE (its creation failed and cannot be updated): deleting it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stand_in_an_operation_in_progress_is_waited_out_and_an_update_without_changes_is_not_executed()
    {
        // A stack deployed by something else (no hash tag), still updating, whose template is the one deployed now.
        _standIn.SetStack("llama", "UPDATE_COMPLETE", Template(14), inProgress: "UPDATE_IN_PROGRESS");

        var stack = await Deployer().DeployAsync("llama", Template(14), Parameters, CancellationToken.None);

        Assert.Equal("UPDATE_COMPLETE", stack.Status);
        Assert.Equal("Stack llama is UPDATE_IN_PROGRESS: waiting.", _said[0]);
        Assert.Contains(_said, s => s.Contains("is unchanged: The submitted information didn't contain changes", StringComparison.Ordinal));
        Assert.Equal(0, CallsTo("ExecuteChangeSet"));
        Assert.Empty(_confirmed);
    }

    [Fact]
    public async Task Stand_in_a_declined_change_set_is_not_executed()
    {
        await Assert.ThrowsAsync<OperationCanceledException>(() => Deployer(confirm: false).DeployAsync("llama", Template(), Parameters, CancellationToken.None));

        Assert.Equal(0, CallsTo("ExecuteChangeSet"));
        Assert.Null(_standIn.StatusOf("llama"));
    }
}
