using Aspire.Hosting;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests;

/// <summary>On a fresh clone the publish step builds the model itself (the emulator, which does in a run, is not started).</summary>
public sealed class ArtifactBuildsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_missing_model_is_built_with_the_ModelBuilder_and_an_existing_one_is_used_as_is()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = [] });
        var model = builder.AddLlamaModel("model", "tiny", "onnx", Path.Combine(_directory, "tiny")).Resource;

        var built = await ArtifactBuilds.EnsureDeployedModelAsync(TestPaths.Root, model, CancellationToken.None);
        var again = await ArtifactBuilds.EnsureDeployedModelAsync(TestPaths.Root, model, CancellationToken.None);

        Assert.True(built);
        Assert.False(again);
        Assert.True(File.Exists(Path.Combine(model.ModelDirectory, "config.json")));
        var footprint = ModelFootprint.Of(model.ModelDirectory, PackageContents.Collect(_directory, model.ModelDirectory).Where(f => f.Layer == PackageLayer.Model));
        Assert.True(footprint.KvCacheBytes > 0, "the KV cache size comes from the model's config.json");
        Assert.True(footprint.ModelBytes > 1_000_000);
    }

    [Fact]
    public async Task The_managed_runtime_publish_for_arm64_is_the_portable_assembly_with_aarch64_natives_and_no_apphost()
    {
        // Framework-dependent JIT: no native compile, so no cross toolchain; only the RID's native libraries are arm64.
        var project = Path.Combine(TestPaths.Root, "src", "InferenceFunction", "InferenceFunction.csproj");

        var publish = await ArtifactBuilds.PublishManagedAsync(TestPaths.Root, project, LambdaArchitecture.Arm64, CancellationToken.None);

        var files = PackageContents.CodeFiles(publish);
        Assert.DoesNotContain(files, f => f.RelativePath == "bootstrap");
        Assert.Contains(files, f => f.RelativePath == "bootstrap.dll" && f.Layer == PackageLayer.Bootstrap);
        Assert.Contains(files, f => f.RelativePath == "bootstrap.runtimeconfig.json" && f.Layer == PackageLayer.Bootstrap);
        var natives = files.Where(f => f.Layer == PackageLayer.Natives).ToList();
        Assert.Contains(natives, f => f.RelativePath == "libonnxruntime.so");
        Assert.All(natives, f => Assert.Equal(ElfMachine.Arm64, ElfMachine.Read(f.SourcePath)));
        Assert.Equal("bootstrap", PackageContents.ManagedHandler(PackagePlan.Choose(files)));
    }
}
