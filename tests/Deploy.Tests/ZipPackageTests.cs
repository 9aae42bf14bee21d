using System.IO.Compression;
using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The zip: files at the root in layer order, an executable bootstrap, fixed times, the same bytes every time.</summary>
public sealed class ZipPackageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-zip-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private PackagePlan Plan()
    {
        string Write(string name, string text)
        {
            var path = Path.Combine(_directory, "in", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }

        return PackagePlan.Choose(
        [
            PackageFile.From(Write("bootstrap", "\x7fELF..."), "bootstrap", PackageLayer.Bootstrap),
            PackageFile.From(Write("libonnxruntime.so", "native"), "libonnxruntime.so", PackageLayer.Natives),
            PackageFile.From(Write("model/config.json", "{}"), "config.json", PackageLayer.Model),
            PackageFile.From(Write("model/model.ort", "weights"), "model.ort", PackageLayer.Model),
        ]);
    }

    [Fact]
    public async Task Bootstrap_is_0755_and_the_rest_0644_all_made_on_unix_at_the_root_in_layer_order()
    {
        var zip = Path.Combine(_directory, "f.zip");
        await ZipPackageWriter.WriteAsync(Plan(), zip, CancellationToken.None);

        var entries = ZipInspector.Entries(await File.ReadAllBytesAsync(zip));

        Assert.Equal(["config.json", "model.ort", "libonnxruntime.so", "bootstrap"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal(ZipInspector.Unix, e.MadeByPlatform));
        Assert.Equal(Convert.ToInt32("100755", 8), entries.Single(e => e.Name == "bootstrap").UnixMode);
        Assert.All(entries.Where(e => e.Name != "bootstrap"), e => Assert.Equal(Convert.ToInt32("100644", 8), e.UnixMode));
        Assert.All(entries, e => Assert.Equal((ushort)((0 << 9) | (1 << 5) | 1), e.DosDate)); // 1980-01-01
        using var archive = ZipFile.OpenRead(zip);
        Assert.Equal("weights", new StreamReader(archive.GetEntry("model.ort")!.Open()).ReadToEnd());
    }

    [Fact]
    public async Task The_same_files_give_the_same_bytes_and_the_returned_hash_is_the_files()
    {
        var first = Path.Combine(_directory, "a.zip");
        var second = Path.Combine(_directory, "b.zip");

        var hash = await ZipPackageWriter.WriteAsync(Plan(), first, CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_directory, "in", "bootstrap"), DateTime.UtcNow.AddDays(-3));
        var again = await ZipPackageWriter.WriteAsync(Plan(), second, CancellationToken.None);

        Assert.Equal(hash, again);
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(first))), hash);
        Assert.False(File.Exists(first + ".partial"));
    }
}
