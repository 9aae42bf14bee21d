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

    private static readonly LambdaDeployAnnotation ManagedSnapStart = new() { Runtime = LambdaDeployRuntime.Managed, SnapStart = true };

    [Fact]
    public void SnapStart_is_refused_with_the_custom_runtime_saying_to_use_the_managed_runtime()
    {
        var refusal = Assert.Single(DeployChecks.SettingsRefusals(Deployments.Settings(), new LambdaDeployAnnotation { SnapStart = true }, NoEnvironment));

        Assert.Contains("SnapStart is not available on the OS-only runtime provided.al2023", refusal, StringComparison.Ordinal);
        Assert.Contains("add WithManagedRuntime() to deploy on the managed dotnet10 runtime", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapStart_on_the_managed_runtime_with_the_defaults_is_accepted()
    {
        Assert.Empty(DeployChecks.SettingsRefusals(Deployments.Settings(), ManagedSnapStart, NoEnvironment));
        Assert.Empty(DeployChecks.PackageRefusals(ManagedSnapStart, PackagePlan.Choose(Deployments.ManagedFiles(10 * Deployments.Mb))));
    }

    [Fact]
    public void SnapStart_with_more_than_512_MB_of_ephemeral_storage_is_refused_by_how_much()
    {
        var refusal = Assert.Single(DeployChecks.SettingsRefusals(Deployments.Settings(ephemeral: 1024), ManagedSnapStart, NoEnvironment));

        Assert.Equal("SnapStart supports at most 512 MB of ephemeral storage; 1,024 MB exceeds it by 512 MB.", refusal);
    }

    [Fact]
    public void SnapStart_with_provisioned_concurrency_is_refused_by_how_much()
    {
        var refusal = Assert.Single(DeployChecks.SettingsRefusals(Deployments.Settings(), ManagedSnapStart with { ProvisionedConcurrency = 2 }, NoEnvironment));

        Assert.StartsWith("SnapStart does not support provisioned concurrency: it allows 0 provisioned environments; 2 exceeds it by 2.", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapStart_with_a_container_image_is_refused_with_the_Zip_limit_and_the_excess()
    {
        var plan = PackagePlan.Choose(Deployments.ManagedFiles(1_800 * Deployments.Mb));

        var refusals = DeployChecks.PackageRefusals(ManagedSnapStart, plan);

        Assert.Equal(PackageKind.Image, plan.Kind);
        Assert.Equal(2, refusals.Count);
        Assert.StartsWith("The package (1.79 GB: model 1.76 GB) exceeds Lambda's Zip unzipped limit of 250.0 MB by 1.54 GB, and the managed dotnet10 " +
            "runtime deploys as a Zip only: deploy this model with the Native AOT bootstrap", refusals[0], StringComparison.Ordinal);
        Assert.Equal("SnapStart is not available for container images: it needs a Zip package, at most 250.0 MB unzipped; this one exceeds it by 1.54 GB.", refusals[1]);
    }

    [Fact]
    public void A_model_too_big_for_a_managed_Zip_is_refused_before_the_build_naming_the_limit_and_the_way_out()
    {
        var footprint = new ModelFootprint(ModelBytes: 1_500 * Deployments.Mb, KvCacheBytes: 64 * Deployments.Mb);

        var refusal = Assert.Single(DeployChecks.ModelRefusals(Deployments.Settings(), ManagedSnapStart, footprint));

        Assert.StartsWith("The model (1.46 GB) exceeds Lambda's Zip unzipped limit of 250.0 MB by 1.22 GB, and the managed dotnet10 runtime deploys as a Zip only: " +
            "deploy this model with the Native AOT bootstrap (the default, without WithManagedRuntime and WithSnapStart: it goes in a container image of up to 10.00 GB)",
            refusal, StringComparison.Ordinal);
        Assert.Empty(DeployChecks.ModelRefusals(Deployments.Settings(), new LambdaDeployAnnotation(), footprint)); // Native AOT: an image holds it
    }

    [Fact]
    public void The_arm64_cross_toolchain_is_required_for_Native_AOT_only()
    {
        var arm64 = Deployments.Settings(architecture: LambdaArchitecture.Arm64);

        var refusal = Assert.Single(DeployChecks.ToolchainRefusals(arm64, new LambdaDeployAnnotation(), ["clang"]));

        Assert.EndsWith("apt-get install clang", refusal, StringComparison.Ordinal);
        Assert.Empty(DeployChecks.ToolchainRefusals(arm64, ManagedSnapStart, ["clang"]));
        Assert.Empty(DeployChecks.ToolchainRefusals(Deployments.Settings(), new LambdaDeployAnnotation(), ["clang"]));
    }

    [Fact]
    public void Memory_below_the_models_resident_size_is_refused_by_how_much()
    {
        var footprint = new ModelFootprint(ModelBytes: 1_500 * Deployments.Mb, KvCacheBytes: 64 * Deployments.Mb);

        var refusal = Assert.Single(DeployChecks.ModelRefusals(Deployments.Settings(memory: 1024), new LambdaDeployAnnotation(), footprint));

        Assert.Equal("Memory 1,024 MB is below the model's estimated resident size 1,692 MB (model files 1.46 GB + KV cache 64.0 MB + " +
            "runtime 128.0 MB) by 668 MB. Set WithMemorySize(1692) or more.", refusal);
        Assert.Empty(DeployChecks.ModelRefusals(Deployments.Settings(memory: 1692), new LambdaDeployAnnotation(), footprint));
    }

    [Fact]
    public void A_model_too_big_for_any_memory_size_says_it_cannot_run_on_Lambda()
    {
        var footprint = new ModelFootprint(ModelBytes: 10_200 * Deployments.Mb, KvCacheBytes: 0);

        var refusal = Assert.Single(DeployChecks.ModelRefusals(Deployments.Settings(memory: 10240), new LambdaDeployAnnotation(), footprint));

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
