using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The managed runtime's zip: the executable assembly with its runtime config and dependency manifest, its
/// dependencies, the natives and the model, at the root in layer order; no <c>bootstrap</c> executable.</summary>
public sealed class ManagedPackageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-managed-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string relative, string text = "x")
    {
        var path = Path.Combine(_directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>What <c>dotnet publish -r linux-x64 --self-contained false -p:UseAppHost=false</c> writes, and a model.</summary>
    private PackagePlan Plan()
    {
        foreach (var file in (string[])["bootstrap.dll", "bootstrap.runtimeconfig.json", "bootstrap.deps.json", "bootstrap.pdb",
                     "LlamaModel.dll", "Microsoft.ML.OnnxRuntime.dll", "libonnxruntime.so", "libonnxruntime_providers_shared.so"])
        {
            Write(Path.Combine("publish", file));
        }

        Write(Path.Combine("model", "config.json"), "{}");
        Write(Path.Combine("model", "model.onnx"), "weights");
        return PackagePlan.Choose(PackageContents.Collect(Path.Combine(_directory, "publish"), Path.Combine(_directory, "model")));
    }

    [Fact]
    public void The_assembly_its_runtime_config_and_deps_the_natives_and_the_model_are_at_the_root_in_layer_order()
    {
        var plan = Plan();

        Assert.Equal(
        [
            "config.json", "model.onnx",
            "libonnxruntime.so", "libonnxruntime_providers_shared.so",
            "LlamaModel.dll", "Microsoft.ML.OnnxRuntime.dll", "bootstrap.deps.json", "bootstrap.dll", "bootstrap.runtimeconfig.json",
        ], plan.Files.Select(f => f.RelativePath));
        Assert.Equal(PackageKind.Zip, plan.Kind);
        Assert.Equal("bootstrap", PackageContents.ManagedHandler(plan));
    }

    [Fact]
    public async Task The_zip_has_no_bootstrap_executable_and_every_file_is_0644()
    {
        var zip = Path.Combine(_directory, "managed.zip");
        var first = await ZipPackageWriter.WriteAsync(Plan(), zip, CancellationToken.None);

        var entries = ZipInspector.Entries(await File.ReadAllBytesAsync(zip));

        Assert.DoesNotContain(entries, e => e.Name == "bootstrap");
        Assert.Contains(entries, e => e.Name == "bootstrap.dll");
        Assert.Contains(entries, e => e.Name == "bootstrap.runtimeconfig.json");
        Assert.Contains(entries, e => e.Name == "bootstrap.deps.json");
        Assert.DoesNotContain(entries, e => e.Name.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Equal(Convert.ToInt32("100644", 8), e.UnixMode));
        Assert.Equal(first, await ZipPackageWriter.WriteAsync(Plan(), Path.Combine(_directory, "again.zip"), CancellationToken.None));
    }
}
