using System.Formats.Tar;
using System.Security.Cryptography;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.Hosting.Deploy.Image;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The container image written without an engine: an OCI layout whose layers are model → natives → bootstrap.</summary>
public sealed class OciImageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-oci-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static PackagePlan Plan(string directory)
    {
        string Write(string name, string text)
        {
            var path = Path.Combine(directory, "in", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }

        return PackagePlan.Choose(
        [
            PackageFile.From(Write("bootstrap", "\x7fELF..."), "bootstrap", PackageLayer.Bootstrap),
            PackageFile.From(Write("libonnxruntime.so", "native"), "libonnxruntime.so", PackageLayer.Natives),
            PackageFile.From(Write("model/config.json", "{}"), "config.json", PackageLayer.Model),
            PackageFile.From(Write("model/onnx/model.onnx", "weights"), "onnx/model.onnx", PackageLayer.Model),
        ]);
    }

    [Fact]
    public async Task The_layout_has_three_layers_model_natives_bootstrap_with_digests_sizes_and_diff_ids_that_match()
    {
        var layout = Path.Combine(_directory, "image.oci");
        var image = await OciImageWriter.WriteAsync(Plan(_directory), LambdaArchitecture.X64, layout, CancellationToken.None);

        var manifest = OciLayouts.Manifest(layout);
        Assert.Equal(image.Manifest.Digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(image.BlobPath(image.Manifest)))));
        Assert.Equal(image.Layers.Select(l => l.Digest), OciLayouts.LayerDigests(manifest));
        Assert.Equal(3, image.Layers.Count);

        var config = OciLayouts.Json(OciLayouts.Blob(layout, manifest.GetProperty("config").GetProperty("digest").GetString()!));
        Assert.Equal("amd64", config.GetProperty("architecture").GetString());
        Assert.Equal("/var/runtime/bootstrap", config.GetProperty("config").GetProperty("Entrypoint")[0].GetString());
        var diffIds = config.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()).ToList();

        var files = new List<List<string>>();
        for (var i = 0; i < image.Layers.Count; i++)
        {
            var blob = OciLayouts.Blob(layout, image.Layers[i].Digest);
            Assert.Equal(image.Layers[i].Size, new FileInfo(blob).Length);
            Assert.Equal(image.Layers[i].Digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(blob))));
            var (entries, diffId) = OciLayouts.Layer(blob);
            Assert.Equal(diffIds[i], diffId);
            files.Add(entries.Where(e => e.Type == TarEntryType.RegularFile).Select(e => e.Name).ToList());
        }

        Assert.Equal(["var/task/config.json", "var/task/onnx/model.onnx"], files[0]);
        Assert.Equal(["var/task/libonnxruntime.so"], files[1]);
        Assert.Equal(["var/runtime/bootstrap"], files[2]);
        var bootstrap = OciLayouts.Layer(OciLayouts.Blob(layout, image.Layers[2].Digest)).Entries.Single(e => e.Name == "var/runtime/bootstrap");
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), bootstrap.Mode);
    }

    [Fact]
    public async Task The_same_files_give_the_same_digests_and_arm64_says_so_in_the_config()
    {
        var first = await OciImageWriter.WriteAsync(Plan(_directory), LambdaArchitecture.Arm64, Path.Combine(_directory, "a.oci"), CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_directory, "in", "bootstrap"), DateTime.UtcNow.AddDays(-2));
        var second = await OciImageWriter.WriteAsync(Plan(_directory), LambdaArchitecture.Arm64, Path.Combine(_directory, "b.oci"), CancellationToken.None);

        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(first.Layers, second.Layers);
        Assert.Equal("arm64", OciLayouts.Json(first.BlobPath(first.Config)).GetProperty("architecture").GetString());
    }

    [Fact]
    public async Task A_code_change_changes_only_the_top_layer()
    {
        var before = await OciImageWriter.WriteAsync(Plan(_directory), LambdaArchitecture.X64, Path.Combine(_directory, "a.oci"), CancellationToken.None);
        var plan = Plan(_directory);
        await File.WriteAllTextAsync(Path.Combine(_directory, "in", "bootstrap"), "\x7fELF... v2");
        plan = PackagePlan.Choose(plan.Files.Select(f => PackageFile.From(f.SourcePath, f.RelativePath, f.Layer)));
        var after = await OciImageWriter.WriteAsync(plan, LambdaArchitecture.X64, Path.Combine(_directory, "b.oci"), CancellationToken.None);

        Assert.Equal(before.Layers.Take(2), after.Layers.Take(2));
        Assert.NotEqual(before.Layers[2], after.Layers[2]);
    }
}
