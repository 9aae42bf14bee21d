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

        var built = await ArtifactBuilds.EnsureModelAsync(TestPaths.Root, model, CancellationToken.None);
        var again = await ArtifactBuilds.EnsureModelAsync(TestPaths.Root, model, CancellationToken.None);

        Assert.True(built);
        Assert.False(again);
        Assert.True(File.Exists(Path.Combine(model.ModelDirectory, "config.json")));
        var footprint = ModelFootprint.Of(model.ModelDirectory, PackageContents.Collect(_directory, model.ModelDirectory).Where(f => f.Layer == PackageLayer.Model));
        Assert.True(footprint.KvCacheBytes > 0, "the KV cache size comes from the model's config.json");
        Assert.True(footprint.ModelBytes > 1_000_000);
    }
}
