using Amazon.Runtime;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.Hosting.Deploy.CloudFormation;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The CloudFormation query-protocol client against a stand-in of the API (AWS cannot be reached here).</summary>
public sealed class CloudFormationClientStandInTests : IDisposable
{
    private readonly CloudFormationStandIn _standIn = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _standIn.Dispose();
    }

    private CloudFormationClient Client(string secret = CloudFormationStandIn.SecretKey) =>
        new(_http, _standIn.Endpoint, CloudFormationStandIn.Region, () => new ImmutableCredentials(CloudFormationStandIn.AccessKey, secret, null));

    [Fact]
    public async Task Stand_in_a_missing_stack_is_null_and_the_request_is_signed_with_SigV4()
    {
        Assert.Null(await Client().DescribeStackAsync("llama-aot", CancellationToken.None));

        Assert.Empty(_standIn.SignatureFailures);
        var (action, form) = Assert.Single(_standIn.Calls);
        Assert.Equal("DescribeStacks", action);
        Assert.Equal("2010-05-15", form["Version"]);
    }

    [Fact]
    public async Task Stand_in_a_wrong_secret_fails_with_the_services_error_code()
    {
        var error = await Assert.ThrowsAsync<CloudFormationException>(() => Client("not-the-secret").DescribeStackAsync("llama-aot", CancellationToken.None));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
        Assert.Contains("signature mismatch", Assert.Single(_standIn.SignatureFailures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stand_in_a_change_set_creates_the_stack_with_the_template_parameters_and_tags_and_its_changes_print_as_a_table()
    {
        var client = Client();
        var template = TemplateWriter.ToJson(CloudFormationTemplate.Build(Deployments.Zip()));

        await client.CreateChangeSetAsync("llama-aot", "llamaaspire-1", template, newStack: true,
            new Dictionary<string, string> { ["ArtifactBucket"] = "bucket", ["ArtifactKey"] = "llama/abc.zip" },
            new Dictionary<string, string> { ["llamaaspire:template-sha256"] = "abc" }, CancellationToken.None);
        var changeSet = await client.DescribeChangeSetAsync("llama-aot", "llamaaspire-1", CancellationToken.None);
        await client.ExecuteChangeSetAsync("llama-aot", "llamaaspire-1", CancellationToken.None);
        var creating = await client.DescribeStackAsync("llama-aot", CancellationToken.None);
        var stack = await client.DescribeStackAsync("llama-aot", CancellationToken.None);

        var create = _standIn.Calls.Single(c => c.Action == "CreateChangeSet").Form;
        Assert.Equal(template, create["TemplateBody"]);
        Assert.Equal("CREATE", create["ChangeSetType"]);
        Assert.Equal("CAPABILITY_IAM", create["Capabilities.member.1"]);
        Assert.Equal("ArtifactBucket", create["Parameters.member.1.ParameterKey"]);
        Assert.Equal("llama/abc.zip", create["Parameters.member.2.ParameterValue"]);
        Assert.Equal("AVAILABLE", changeSet.ExecutionStatus);
        Assert.Equal(6, changeSet.Changes.Count);
        Assert.All(changeSet.Changes, c => Assert.Equal("Add", c.Action));
        Assert.Equal("CREATE_IN_PROGRESS", creating!.Status);
        Assert.Equal("CREATE_COMPLETE", stack!.Status);
        Assert.Equal("https://abc.lambda-url.us-east-1.on.aws/", stack.Outputs["FunctionUrl"]);
        Assert.Equal("abc", stack.Tags["llamaaspire:template-sha256"]);
        Assert.Empty(_standIn.SignatureFailures);

        var table = ChangeSetTable.Format(changeSet.Changes).Split('\n');
        Assert.Equal("Operation  LogicalResourceId  ResourceType           Replacement", table[0].TrimEnd());
        Assert.Equal("+ Add      Function           AWS::Lambda::Function  N/A", table.Single(l => l.Contains(" Function ", StringComparison.Ordinal)).TrimEnd());
    }

    [Fact]
    public void The_change_table_marks_modifications_with_their_replacement()
    {
        var table = ChangeSetTable.Format([new StackChange("Modify", "FunctionVersion", "AWS::Lambda::Version", "True"), new StackChange("Remove", "Old", "AWS::Logs::LogGroup", "")]);

        Assert.Contains("* Modify   FunctionVersion    AWS::Lambda::Version  True", table, StringComparison.Ordinal);
        Assert.Contains("- Delete   Old                AWS::Logs::LogGroup   N/A", table, StringComparison.Ordinal);
    }
}
