using System.Text.Json;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using Microsoft.Extensions.Logging;
using Names = LlamaAspire.Hosting.Deploy.CloudFormationTemplate.Names;

namespace LlamaAspire.Deploy.Tests;

/// <summary>What the publish step writes for each package type (the files are tiny; the plan's type is forced).</summary>
public sealed class PublishWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-writer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(PublishResult Result, List<string> Said)> WriteAsync(PackageKind kind)
    {
        var files = OciImageTests.Plan(_directory).Files;
        var plan = new PackagePlan(kind, files, $"{kind} (forced by the test)");
        var said = new List<string>();
        var settings = Deployments.Settings();
        var result = await PublishWriter.WriteAsync(settings, new LambdaDeployAnnotation(), plan,
            PackageContents.DeployedEnvironment(settings.Environment, hasModel: true), "tiny", Path.Combine(_directory, "out"),
            (level, message) => said.Add($"{level}: {message}"), CancellationToken.None);
        return (result, said);
    }

    [Fact]
    public async Task A_zip_package_is_written_with_its_templates_named_by_its_hash()
    {
        var (result, said) = await WriteAsync(PackageKind.Zip);

        Assert.Equal(["llama.template.json", "llama.template.yaml", "llama.zip"],
            Directory.EnumerateFiles(Path.Combine(_directory, "out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(_directory, "out", "llama.zip"), result.ZipPath);
        Assert.Contains(said, s => s.StartsWith("Information: llama: wrote ", StringComparison.Ordinal) && s.Contains(result.Deployment.CodeSha256, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_package_is_written_as_an_OCI_layout_and_the_template_takes_the_image_uri()
    {
        var (result, said) = await WriteAsync(PackageKind.Image);

        Assert.Null(result.ZipPath);
        var layout = Path.Combine(_directory, "out", "llama.oci");
        var manifest = OciLayouts.Manifest(layout);
        Assert.Equal(3, OciLayouts.LayerDigests(manifest).Count);
        var template = JsonDocument.Parse(await File.ReadAllTextAsync(result.JsonPath)).RootElement;
        Assert.Equal("Image", Templates.Properties(template, Names.Function).GetProperty("PackageType").GetString());
        var manifestDigest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json"))).RootElement
            .GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        Assert.Equal($"code sha256 {manifestDigest["sha256:".Length..]}", Templates.Properties(template, Names.Version).GetProperty("Description").GetString());
        Assert.Contains(said, s => s.StartsWith($"{LogLevel.Information}: llama: the layers go on public.ecr.aws/lambda/provided:al2023, whose layers the deploy copies", StringComparison.Ordinal));
    }
}
