using System.Diagnostics;
using System.IO.Compression;
using Aspire.Hosting;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests.Arm64;

/// <summary>
/// The tiny model's Zip package for each architecture, built the way the publish step builds it (ArtifactBuilds into
/// <c>artifacts/deploy/{rid}</c>, PackagePlan, ZipPackageWriter) and unzipped into a task root, as Lambda does.
/// </summary>
public sealed class Arm64Packages : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-arm64-").FullName;

    /// <summary>The arm64 package unzipped.</summary>
    public string Arm64TaskRoot => Path.Combine(_directory, "arm64");

    /// <summary>The x86_64 package unzipped: the reference answer.</summary>
    public string X64TaskRoot => Path.Combine(_directory, "x86_64");

    /// <summary>The arm64 publish directory (bootstrap and libonnxruntime*.so).</summary>
    public string Arm64Publish { get; private set; } = "";

    /// <summary>How long the arm64 <c>dotnet publish</c> took (a no-op rebuild when artifacts/ already holds it).</summary>
    public TimeSpan Arm64PublishTime { get; private set; }

    public async Task InitializeAsync()
    {
        // Without the toolchain the tests are skipped (or fail on CI through the refusal below, in the test that needs it).
        if (Arm64Machine.MissingPackages().Count > 0 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            return;
        }

        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true, Args = [] });
        var model = builder.AddLlamaModel("model", "tiny", "ort", Path.Combine(_directory, "model")).Resource;
        await ArtifactBuilds.EnsureModelAsync(TestPaths.Root, model, CancellationToken.None);

        var started = Stopwatch.StartNew();
        Arm64Publish = await PublishAsync(LambdaArchitecture.Arm64);
        Arm64PublishTime = started.Elapsed;
        await PackageAsync(Arm64Publish, model.ModelDirectory, Arm64TaskRoot);
        await PackageAsync(await PublishAsync(LambdaArchitecture.X64), model.ModelDirectory, X64TaskRoot);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static Task<string> PublishAsync(LambdaArchitecture architecture) =>
        ArtifactBuilds.PublishBootstrapAsync(TestPaths.Root, FunctionProject, architecture, CancellationToken.None);

    private static string FunctionProject => Path.Combine(TestPaths.Root, "src", "InferenceFunction", "InferenceFunction.csproj");

    private static async Task PackageAsync(string publish, string modelDirectory, string taskRoot)
    {
        var plan = PackagePlan.Choose(PackageContents.Collect(publish, modelDirectory));
        Assert.Equal(PackageKind.Zip, plan.Kind);
        var zip = taskRoot + ".zip";
        await ZipPackageWriter.WriteAsync(plan, zip, CancellationToken.None);
        ZipFile.ExtractToDirectory(zip, taskRoot); // restores the entries' Unix modes: bootstrap 0755
    }
}

/// <summary>One at a time, after the parallel classes: the x86_64 build shares artifacts/deploy/linux-x64 with the AppHost
/// publish of <see cref="PublishEndToEndTests"/>, and qemu wants the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Arm64Collection : ICollectionFixture<Arm64Packages>
{
    public const string Name = "arm64 packages";
}
