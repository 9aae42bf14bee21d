using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Zip while the files fit Lambda's 250 MB unzipped limit, a container image beyond it, refused beyond 10 GB.</summary>
public sealed class PackagePlanTests
{
    private const long Code = 40 * Deployments.Mb; // the bootstrap and libonnxruntime.so of Deployments.Files

    private static PackagePlan WithModel(long modelBytes) => PackagePlan.Choose(Deployments.Files(modelBytes - 1_600));

    [Fact]
    public void Exactly_at_the_unzipped_limit_is_a_zip()
    {
        var plan = WithModel(LambdaLimits.MaxUnzippedCodeBytes - Code);

        Assert.Equal(LambdaLimits.MaxUnzippedCodeBytes, plan.TotalBytes);
        Assert.Equal(PackageKind.Zip, plan.Kind);
        Assert.Equal("Zip: 250.0 MB unzipped (model 210.0 MB, natives 28.0 MB, bootstrap 12.0 MB) fits Lambda's 250.0 MB unzipped limit with 0.0 MB to spare.", plan.Reason);
        Assert.Empty(DeployChecks.PackageRefusals(new LambdaDeployAnnotation(), plan));
    }

    [Fact]
    public void One_byte_over_is_a_container_image_and_says_by_how_much()
    {
        var plan = WithModel(LambdaLimits.MaxUnzippedCodeBytes - Code + 1);

        Assert.Equal(PackageKind.Image, plan.Kind);
        Assert.StartsWith("Image: 250.0 MB (model 210.0 MB, natives 28.0 MB, bootstrap 12.0 MB) exceeds Lambda's 250.0 MB Zip unzipped limit by 0.0 MB; " +
            "a container image holds up to 10.00 GB", plan.Reason, StringComparison.Ordinal);
        Assert.Empty(DeployChecks.PackageRefusals(new LambdaDeployAnnotation(), plan));
    }

    [Fact]
    public void The_1b_model_is_an_image_and_the_tiny_one_a_zip()
    {
        Assert.Equal(PackageKind.Image, WithModel(1_800 * Deployments.Mb).Kind);
        Assert.Equal(PackageKind.Zip, WithModel(11 * Deployments.Mb).Kind);
    }

    [Fact]
    public void Beyond_the_image_limit_is_refused_naming_the_limit_and_the_excess()
    {
        var plan = WithModel(LambdaLimits.MaxImageBytes - Code + 512 * Deployments.Mb);

        var refusal = Assert.Single(DeployChecks.PackageRefusals(new LambdaDeployAnnotation(), plan));

        Assert.Equal(PackageKind.Image, plan.Kind);
        Assert.Equal("The package (10.50 GB: model 10.46 GB) exceeds Lambda's container image limit of 10.00 GB by 512.0 MB.", refusal);
    }

    [Fact]
    public void Files_are_ordered_model_then_natives_then_bootstrap()
    {
        var plan = WithModel(10 * Deployments.Mb);

        Assert.Equal(["config.json", "model.onnx", "libonnxruntime.so", "bootstrap"], plan.Files.Select(f => f.RelativePath));
    }
}
