using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Configurations that cannot work are refused with the limit and the excess.</summary>
public sealed class DeployChecksTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void The_defaults_are_accepted()
    {
        Assert.Empty(DeployChecks.SettingsRefusals(Deployments.Settings(), new LambdaDeployAnnotation(), NoEnvironment));
    }

    [Fact]
    public void SnapStart_is_refused_with_the_custom_runtime()
    {
        var refusal = Assert.Single(DeployChecks.SettingsRefusals(Deployments.Settings(), new LambdaDeployAnnotation { SnapStart = true }, NoEnvironment));

        Assert.Contains("SnapStart is not available on the OS-only runtime provided.al2023", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapStart_with_more_than_512_MB_of_ephemeral_storage_is_refused_by_how_much()
    {
        var refusals = DeployChecks.SettingsRefusals(Deployments.Settings(ephemeral: 1024), new LambdaDeployAnnotation { SnapStart = true }, NoEnvironment);

        Assert.Contains("SnapStart supports at most 512 MB of ephemeral storage; 1,024 MB exceeds it by 512 MB.", refusals);
    }

    [Fact]
    public void Memory_below_the_models_resident_size_is_refused_by_how_much()
    {
        var footprint = new ModelFootprint(ModelBytes: 1_500 * Deployments.Mb, KvCacheBytes: 64 * Deployments.Mb);
        var plan = PackagePlan.Choose(Deployments.Files(1_500 * Deployments.Mb));

        var refusal = Assert.Single(DeployChecks.PackageRefusals(Deployments.Settings(memory: 1024), plan, footprint));

        Assert.Equal("Memory 1,024 MB is below the model's estimated resident size 1,692 MB (model files 1.46 GB + KV cache 64.0 MB + " +
            "runtime 128.0 MB) by 668 MB. Set WithMemorySize(1692) or more.", refusal);
        Assert.Empty(DeployChecks.PackageRefusals(Deployments.Settings(memory: 1692), plan, footprint));
    }

    [Fact]
    public void A_model_too_big_for_any_memory_size_says_it_cannot_run_on_Lambda()
    {
        var footprint = new ModelFootprint(ModelBytes: 10_200 * Deployments.Mb, KvCacheBytes: 0);
        var plan = PackagePlan.Choose(Deployments.Files(10 * Deployments.Mb));

        var refusal = Assert.Single(DeployChecks.PackageRefusals(Deployments.Settings(memory: 10240), plan, footprint));

        Assert.Contains("by 88 MB. Lambda's largest memory size is 10,240 MB: this model cannot run on Lambda.", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Provisioned_concurrency_above_the_reserved_is_refused()
    {
        var refusal = Assert.Single(DeployChecks.SettingsRefusals(Deployments.Settings(reserved: 2), new LambdaDeployAnnotation { ProvisionedConcurrency = 3 }, NoEnvironment));

        Assert.Equal("Provisioned concurrency 3 exceeds the reserved concurrency 2 by 1.", refusal);
    }

    [Fact]
    public void An_environment_over_4_KB_is_refused_by_how_much()
    {
        var environment = new Dictionary<string, string> { ["BIG"] = new string('x', 4097 - 3) };

        var refusal = Assert.Single(DeployChecks.SettingsRefusals(Deployments.Settings(), new LambdaDeployAnnotation(), environment));

        Assert.Equal("The environment variables take 4,097 bytes; Lambda allows 4,096, exceeded by 1.", refusal);
    }

    [Fact]
    public void The_refusal_exception_carries_every_reason()
    {
        var refusals = DeployChecks.SettingsRefusals(Deployments.Settings(ephemeral: 2048), new LambdaDeployAnnotation { SnapStart = true, ProvisionedConcurrency = 1 }, NoEnvironment);

        var exception = new DeployRefusedException(refusals);

        Assert.Equal(3, exception.Reasons.Count);
        Assert.StartsWith("Refused: SnapStart is not available", exception.Message, StringComparison.Ordinal);
    }
}
