using System.IO.Compression;
using System.Text.Json;
using LlamaAspire.Hosting.Deploy;
using Names = LlamaAspire.Hosting.Deploy.CloudFormationTemplate.Names;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The product AppHost's <c>llama-snapstart</c> (WithManagedRuntime, WithSnapStart) published once (tiny model), as a user runs it.</summary>
public sealed class PublishedManagedFunctionFixture : IAsyncLifetime
{
    public string OutputPath { get; } = System.IO.Directory.CreateTempSubdirectory("deploy-publish-managed-").FullName;

    public string Directory => Path.Combine(OutputPath, "llama-snapstart");

    public AppHostPublish.Result Result { get; private set; } = new(-1, "");

    public async Task InitializeAsync() => Result = await AppHostPublish.RunAsync("publish-llama-snapstart", OutputPath);

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(OutputPath, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The managed-runtime publish end to end through the AppHost: the framework-dependent assembly zipped with its
/// natives and the model, the dotnet10 + SnapStart template, and the choice explained.</summary>
[Collection(AppHostPipelineCollection.Name)]
public sealed class PublishManagedEndToEndTests(PublishedManagedFunctionFixture published) : IClassFixture<PublishedManagedFunctionFixture>
{
    [Fact]
    public void The_publish_step_exits_0_and_says_which_runtime_package_and_architecture_it_chose_and_why()
    {
        Assert.True(published.Result.ExitCode == 0, published.Result.Output);
        var output = published.Result.Output;
        Assert.Contains("llama-snapstart runs JIT locally; it deploys on the managed dotnet10 runtime (WithManagedRuntime) as a framework-dependent " +
            "executable assembly run JIT, a Zip package; SnapStart on published versions (WithSnapStart)", output, StringComparison.Ordinal);
        Assert.Contains("llama-snapstart: architecture x86_64: the assembly is portable IL run JIT by dotnet10; its ", output, StringComparison.Ordinal);
        Assert.Contains("llama-snapstart: Zip: ", output, StringComparison.Ordinal);
        Assert.Contains("fits Lambda's 250.0 MB unzipped limit with ", output, StringComparison.Ordinal);
        Assert.Contains("llama-snapstart: memory 10,240 MB holds the model's estimated ", output, StringComparison.Ordinal);
        Assert.Equal(["llama-snapstart.template.json", "llama-snapstart.template.yaml", "llama-snapstart.zip"],
            System.IO.Directory.EnumerateFiles(published.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_zip_has_the_assembly_its_runtime_config_and_deps_x86_64_natives_and_the_model_and_no_bootstrap_executable()
    {
        Assert.True(published.Result.ExitCode == 0, published.Result.Output);
        var zip = Path.Combine(published.Directory, "llama-snapstart.zip");
        var entries = ZipInspector.Entries(await File.ReadAllBytesAsync(zip));

        Assert.DoesNotContain(entries, e => e.Name == "bootstrap");
        Assert.Contains(entries, e => e.Name == "bootstrap.dll");
        Assert.Contains(entries, e => e.Name == "bootstrap.deps.json");
        Assert.Contains(entries, e => e.Name == "LlamaAspire.LlamaModel.dll");
        Assert.Contains(entries, e => e.Name == "model.onnx");
        Assert.DoesNotContain(entries, e => e.Name.EndsWith(".pdb", StringComparison.Ordinal));

        using var archive = ZipFile.OpenRead(zip);
        await using (var config = archive.GetEntry("bootstrap.runtimeconfig.json")!.Open())
        {
            var framework = JsonDocument.Parse(config).RootElement.GetProperty("runtimeOptions").GetProperty("framework");
            Assert.Equal("Microsoft.NETCore.App", framework.GetProperty("name").GetString());
            Assert.StartsWith("10.0", framework.GetProperty("version").GetString(), StringComparison.Ordinal);
        }

        await using var native = archive.GetEntry("libonnxruntime.so")!.Open();
        var header = new byte[20];
        await native.ReadExactlyAsync(header);
        Assert.Equal(ElfMachine.X64, (ushort)(header[18] | (header[19] << 8)));
    }

    [CfnSpecFact]
    public async Task The_template_is_dotnet10_with_the_assembly_as_handler_and_SnapStart_and_matches_AWS_specification()
    {
        Assert.True(published.Result.ExitCode == 0, published.Result.Output);
        var template = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(published.Directory, "llama-snapstart.template.json"))).RootElement;

        Assert.Empty(Templates.Violations(template, CloudFormationSpec.Instance));
        var function = Templates.Properties(template, Names.Function);
        Assert.Equal("dotnet10", function.GetProperty("Runtime").GetString());
        Assert.Equal("bootstrap", function.GetProperty("Handler").GetString());
        Assert.Equal("PublishedVersions", function.GetProperty("SnapStart").GetProperty("ApplyOn").GetString());
        Assert.Equal("/var/task", function.GetProperty("Environment").GetProperty("Variables").GetProperty("MODEL_DIR").GetString());
    }
}
