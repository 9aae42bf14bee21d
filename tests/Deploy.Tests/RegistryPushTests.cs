using System.Diagnostics;
using System.Text.Json;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.Hosting.Deploy.Image;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The image pushed with our registry client to Debian's docker-registry, then read and pulled back by skopeo.</summary>
public sealed class RegistryPushTests(LocalRegistry registry) : IClassFixture<LocalRegistry>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-push-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [RegistryFact]
    public async Task Skopeo_reads_the_pushed_manifest_with_our_digests_in_model_natives_bootstrap_order_and_pulls_the_same_layers_back()
    {
        var image = await OciImageWriter.WriteAsync(OciImageTests.Plan(_directory), LambdaArchitecture.X64, Path.Combine(_directory, "image.oci"), CancellationToken.None);
        using var http = new HttpClient();
        var client = new OciRegistryClient(http, registry.Address);

        var pushed = await client.PushAsync(image, "llama-aot", "v1", CancellationToken.None);

        Assert.Equal(image.Manifest.Digest, pushed);
        var reference = $"docker://{registry.Authority}/llama-aot:v1";
        var raw = await SkopeoAsync("inspect", "--raw", "--tls-verify=false", reference);
        Assert.Equal(await File.ReadAllTextAsync(image.BlobPath(image.Manifest)), raw.TrimEnd('\n'));
        var inspected = JsonDocument.Parse(await SkopeoAsync("inspect", "--tls-verify=false", reference)).RootElement;
        Assert.Equal(image.Manifest.Digest, inspected.GetProperty("Digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest), inspected.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("amd64", inspected.GetProperty("Architecture").GetString());

        // Pulled back into a fresh layout: the same blobs, in the same order, with the bootstrap on top.
        var pulled = Path.Combine(_directory, "pulled");
        await SkopeoAsync("copy", "--src-tls-verify=false", reference, $"oci:{pulled}:v1");
        var manifest = OciLayouts.Manifest(pulled);
        Assert.Equal(image.Layers.Select(l => l.Digest), OciLayouts.LayerDigests(manifest));
        var top = OciLayouts.Layer(OciLayouts.Blob(pulled, image.Layers[^1].Digest));
        Assert.Contains(top.Entries, e => e.Name == "var/runtime/bootstrap");
        Assert.Equal(image.DiffIds[^1], top.DiffId);
    }

    [RegistryFact]
    public async Task A_second_push_of_a_code_change_uploads_only_the_top_layer()
    {
        var image = await OciImageWriter.WriteAsync(OciImageTests.Plan(_directory), LambdaArchitecture.X64, Path.Combine(_directory, "a.oci"), CancellationToken.None);
        using var http = new HttpClient();
        var client = new OciRegistryClient(http, registry.Address);
        await client.PushAsync(image, "llama-code", "v1", CancellationToken.None);

        var plan = OciImageTests.Plan(_directory);
        await File.WriteAllTextAsync(Path.Combine(_directory, "in", "bootstrap"), "\x7fELF... v2");
        plan = PackagePlan.Choose(plan.Files.Select(f => PackageFile.From(f.SourcePath, f.RelativePath, f.Layer)));
        var changed = await OciImageWriter.WriteAsync(plan, LambdaArchitecture.X64, Path.Combine(_directory, "b.oci"), CancellationToken.None);

        Assert.True(await client.HasBlobAsync("llama-code", changed.Layers[0], CancellationToken.None));
        Assert.True(await client.HasBlobAsync("llama-code", changed.Layers[1], CancellationToken.None));
        Assert.False(await client.HasBlobAsync("llama-code", changed.Layers[2], CancellationToken.None));
        Assert.Equal(changed.Manifest.Digest, await client.PushAsync(changed, "llama-code", "v2", CancellationToken.None));
    }

    internal static async Task<string> SkopeoAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(LocalRegistry.SkopeoBinary, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"skopeo {string.Join(' ', arguments)}: {await error}");
        return await output;
    }
}
