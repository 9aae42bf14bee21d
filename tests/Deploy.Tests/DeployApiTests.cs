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
    public void Every_function_has_one_publish_step_required_by_publish()
    {
        var builder = CreateBuilder();
        var function = builder.AddLambdaFunction<InferenceFunctionProject>("llama").WithCloudFormationPublish().WithCloudFormationPublish();

        var annotation = Assert.Single(function.Resource.Annotations.OfType<PipelineStepAnnotation>());
        var step = CloudFormationPublishStep.Create(function.Resource);

        Assert.NotNull(annotation);
        Assert.Equal("publish-llama", function.Resource.PublishStepName());
        Assert.Equal("publish-llama", step.Name);
        Assert.Equal([WellKnownPipelineSteps.Publish], step.RequiredBySteps);
        Assert.Same(function.Resource, step.Resource);
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
