using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;

// The pipeline types are an evaluation API of Aspire 13; the publish step is built on them.
#pragma warning disable ASPIREPIPELINES001

namespace LlamaAspire.Deploy.Tests;

/// <summary>The hosting API: every function gets its publish step once; deployment options are annotations.</summary>
public sealed class DeployApiTests
{
    private sealed class InferenceFunctionProject : IProjectMetadata
    {
        public string ProjectPath { get; } = Path.Combine(TestPaths.Root, "src", "InferenceFunction", "InferenceFunction.csproj");
    }

    private static IDistributedApplicationBuilder CreateBuilder() =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = [] });

    [Fact]
    public void Every_function_has_one_publish_deploy_and_destroy_step_each_required_by_its_aggregate()
    {
        var builder = CreateBuilder();
        var function = builder.AddLambdaFunction<InferenceFunctionProject>("llama").WithCloudFormationPublish().WithCloudFormationPublish();

        Assert.Equal(3, function.Resource.Annotations.OfType<PipelineStepAnnotation>().Count());
        var publish = CloudFormationPublishStep.Create(function.Resource);
        var deploy = CloudFormationDeployStep.Create(function.Resource);
        var destroy = CloudFormationDestroyStep.Create(function.Resource);

        Assert.Equal("publish-llama", function.Resource.PublishStepName());
        Assert.Equal("publish-llama", publish.Name);
        Assert.Equal([WellKnownPipelineSteps.Publish], publish.RequiredBySteps);
        Assert.Same(function.Resource, publish.Resource);
        Assert.Equal("deploy-llama", deploy.Name);
        Assert.Equal(["publish-llama"], deploy.DependsOnSteps);
        Assert.Equal([WellKnownPipelineSteps.Deploy], deploy.RequiredBySteps);
        Assert.Equal("destroy-llama", destroy.Name);
        Assert.Equal([WellKnownPipelineSteps.Destroy], destroy.RequiredBySteps);
    }

    [Fact]
    public async Task In_run_mode_the_dashboard_links_the_deployed_function_url_from_the_deployment_record()
    {
        var state = Directory.CreateTempSubdirectory("deploy-state-").FullName;
        try
        {
            var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = ["--Deploy:StateDirectory", state] });
            var deployed = builder.AddLambdaFunction<InferenceFunctionProject>("llama").WithCloudFormationPublish();
            var never = builder.AddLambdaFunction<InferenceFunctionProject>("never").WithCloudFormationPublish();
            await new DeploymentRecord("llama", "eu-west-1", "llamaaspire-llama",
                new Dictionary<string, string> { ["FunctionUrl"] = "https://abc.lambda-url.eu-west-1.on.aws/" }, "bucket", "llama/x.zip", null, null, null, null)
                .WriteAsync(Path.Combine(state, "llama.deployment.json"), CancellationToken.None);

            var urls = await UrlsAsync(builder, deployed.Resource);

            var url = Assert.Single(urls);
            Assert.Equal("https://abc.lambda-url.eu-west-1.on.aws/", url.Url);
            Assert.Equal("AWS function URL (llamaaspire-llama, eu-west-1)", url.DisplayText);
            Assert.Empty(await UrlsAsync(builder, never.Resource));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task<List<ResourceUrlAnnotation>> UrlsAsync(IDistributedApplicationBuilder builder, LambdaFunctionResource resource)
    {
        var urls = new List<ResourceUrlAnnotation>();
        var context = new ResourceUrlsCallbackContext(builder.ExecutionContext, resource, urls, CancellationToken.None);
        foreach (var callback in resource.Annotations.OfType<ResourceUrlsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return urls;
    }

    [Fact]
    public void Deployment_options_are_one_annotation_changed_by_each_call()
    {
        var builder = CreateBuilder();
        var function = builder.AddLambdaFunction<InferenceFunctionProject>("llama");

        Assert.Equal(new LambdaDeployAnnotation(), function.Resource.DeployOptions());

        function.WithPublicFunctionUrl().WithProvisionedConcurrency(2).WithLogRetention(30).WithSnapStart();

        var options = Assert.Single(function.Resource.Annotations.OfType<LambdaDeployAnnotation>());
        Assert.Equal(LambdaFunctionUrlAuth.None, options.FunctionUrlAuth);
        Assert.Equal(2, options.ProvisionedConcurrency);
        Assert.Equal(30, options.LogRetentionDays);
        Assert.True(options.SnapStart);
    }

    [Fact]
    public void Invalid_options_are_refused_when_set()
    {
        var function = CreateBuilder().AddLambdaFunction<InferenceFunctionProject>("llama");

        Assert.Throws<ArgumentOutOfRangeException>(() => function.WithLogRetention(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => function.WithProvisionedConcurrency(-1));
    }

    [Fact]
    public async Task A_function_deploys_at_10240_MB_unless_it_sets_its_memory()
    {
        var builder = CreateBuilder();
        var unset = builder.AddLambdaFunction<InferenceFunctionProject>("unset");
        var set = builder.AddLambdaFunction<InferenceFunctionProject>("set").WithMemorySize(3008);
        var publish = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish);

        var unsetSettings = DeployDefaults.Apply(unset.Resource, await LambdaFunctionSettings.ReadAsync(unset.Resource, publish));
        var setSettings = DeployDefaults.Apply(set.Resource, await LambdaFunctionSettings.ReadAsync(set.Resource, publish));

        Assert.Equal(10240, unsetSettings.MemorySize);
        Assert.Equal(3008, setSettings.MemorySize);
    }
}
