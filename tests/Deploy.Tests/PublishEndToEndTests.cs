using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaAspire.Hosting.Deploy;
using Names = LlamaAspire.Hosting.Deploy.CloudFormationTemplate.Names;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The product AppHost's <c>llama-aot</c> published once (tiny model), as a user runs it.</summary>
public sealed class PublishedFunctionFixture : IAsyncLifetime
{
    public string OutputPath { get; } = System.IO.Directory.CreateTempSubdirectory("deploy-publish-").FullName;

    public string Directory => Path.Combine(OutputPath, "llama-aot");

    public AppHostPublish.Result Result { get; private set; } = new(-1, "");

    public async Task InitializeAsync() => Result = await AppHostPublish.RunAsync("publish-llama-aot", OutputPath);

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(OutputPath, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The publish step end to end through the AppHost: exit codes, the zip, the template.</summary>
[Collection(AppHostPipelineCollection.Name)]
public sealed class PublishEndToEndTests(PublishedFunctionFixture published) : IClassFixture<PublishedFunctionFixture>
{
    [Fact]
    public void The_publish_step_exits_0_writes_the_zip_and_templates_and_explains_the_choice()
    {
        Assert.True(published.Result.ExitCode == 0, published.Result.Output);
        Assert.Equal(["llama-aot.template.json", "llama-aot.template.yaml", "llama-aot.zip"],
            Directory.EnumerateFiles(published.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("llama-aot: Zip: ", published.Result.Output, StringComparison.Ordinal);
        Assert.Contains("fits Lambda's 250.0 MB unzipped limit with ", published.Result.Output, StringComparison.Ordinal);
        Assert.Contains("llama-aot: memory 10,240 MB holds the model's estimated ", published.Result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_zip_has_an_executable_x86_64_bootstrap_the_natives_and_the_model_at_its_root()
    {
        var zip = Path.Combine(published.Directory, "llama-aot.zip");
        var entries = ZipInspector.Entries(await File.ReadAllBytesAsync(zip));

        var bootstrap = Assert.Single(entries, e => e.Name == "bootstrap");
        Assert.Equal(ZipInspector.Unix, bootstrap.MadeByPlatform);
        Assert.Equal(Convert.ToInt32("100755", 8), bootstrap.UnixMode);
        Assert.Contains(entries, e => e.Name == "libonnxruntime.so");
        Assert.Equal("bootstrap", entries[^1].Name); // model → natives → bootstrap

        // llama-aot runs the pre-packed model here; what is deployed is the same graph without this CPU's packs.
        Assert.Contains("llama-aot: the model's pre-packed weights fit this machine's CPU and ONNX Runtime only; deploying the same graph without them", published.Result.Output, StringComparison.Ordinal);
        var modelDirectory = Path.Combine(TestPaths.Root, "models", "tiny-prepacked-q4emb-last-portable");
        var deployed = LlamaAspire.LlamaModel.ModelDirectory.Load(modelDirectory);
        Assert.False(deployed.Prepacked);
        Assert.True(deployed.Optimized);
        Assert.True(deployed.LastPositionLogits);
        using var archive = ZipFile.OpenRead(zip);
        foreach (var file in System.IO.Directory.EnumerateFiles(modelDirectory))
        {
            var entry = archive.GetEntry(Path.GetFileName(file));
            Assert.True(entry is not null, $"{Path.GetFileName(file)} is not in the zip");
            await using var stream = entry.Open();
            Assert.Equal(await File.ReadAllBytesAsync(file), ReadAll(stream));
        }

        await using var elf = archive.GetEntry("bootstrap")!.Open();
        var header = new byte[20];
        await elf.ReadExactlyAsync(header);
        Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], header[..4]);
        Assert.Equal(ElfMachine.X64, (ushort)(header[18] | (header[19] << 8)));
    }

    [CfnSpecFact]
    public async Task The_template_matches_AWS_specification_and_names_its_artifact_by_content()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(published.Directory, "llama-aot.template.json"));
        var yaml = await File.ReadAllTextAsync(Path.Combine(published.Directory, "llama-aot.template.yaml"));
        var template = JsonDocument.Parse(json).RootElement;

        Assert.Empty(Templates.Violations(template, CloudFormationSpec.Instance));
        Assert.Equal(TemplateWriter.ToYaml(JsonNode.Parse(json)!.AsObject()), yaml);

        var sha = SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(published.Directory, "llama-aot.zip")));
        Assert.Equal($"llama-aot/{Convert.ToHexStringLower(sha)}.zip",
            template.GetProperty("Parameters").GetProperty(Names.ArtifactKey).GetProperty("Default").GetString());
        Assert.Equal(Convert.ToBase64String(sha), Templates.Properties(template, Names.Version).GetProperty("CodeSha256").GetString());

        var function = Templates.Properties(template, Names.Function);
        Assert.Equal(10240, function.GetProperty("MemorySize").GetInt32());
        Assert.Equal(60, function.GetProperty("Timeout").GetInt32());
        Assert.Equal(4, function.GetProperty("ReservedConcurrentExecutions").GetInt32());
        Assert.Equal("/var/task", function.GetProperty("Environment").GetProperty("Variables").GetProperty("MODEL_DIR").GetString());
    }

    [Fact]
    public async Task A_failed_publish_step_exits_non_zero()
    {
        // An output path that is a file: the step fails when it writes, after the (cached) builds.
        var file = Path.Combine(published.OutputPath, "not-a-directory");
        await File.WriteAllTextAsync(file, "");

        var result = await AppHostPublish.RunAsync("publish-llama-aot", file);

        Assert.True(result.ExitCode != 0, result.Output);
        Assert.Contains("publish-llama-aot", result.Output, StringComparison.Ordinal);
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
