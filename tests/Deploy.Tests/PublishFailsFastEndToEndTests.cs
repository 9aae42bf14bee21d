namespace LlamaAspire.Deploy.Tests;

/// <summary>A configuration the settings and this machine already rule out is refused before any build: the step fails with
/// the refusal and a non-zero exit without having built the model or the function.</summary>
[Collection(AppHostPipelineCollection.Name)]
public sealed class PublishFailsFastEndToEndTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("deploy-fail-fast-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task An_arm64_Native_AOT_publish_without_the_cross_toolchain_is_refused_before_anything_is_built()
    {
        // PATH holds dotnet alone (resolved through /usr/bin/dotnet's link), so clang and the aarch64 binutils are not found.
        var dotnet = (string[])[.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "dotnet")).Where(File.Exists)];
        var resolved = new FileInfo(dotnet[0]).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet[0];
        var environment = new Dictionary<string, string> { ["PATH"] = Path.GetDirectoryName(resolved)! };

        var result = await AppHostPublish.RunAsync("publish-llama-aot", _output, ["--Lambda:Architecture", "arm64"], environment);

        Assert.True(result.ExitCode != 0, result.Output);
        Assert.Contains("Cross-compiling the linux-arm64 bootstrap on this x64 machine needs Debian packages that are not installed: apt-get install clang",
            result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("building the Native AOT bootstrap", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("llama-aot runs", result.Output, StringComparison.Ordinal); // said after the refusals, before the model
        Assert.False(File.Exists(Path.Combine(_output, "llama-aot", "llama-aot.zip")));
    }
}
