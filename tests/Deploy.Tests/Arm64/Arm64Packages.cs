using System.Diagnostics;
using System.IO.Compression;

namespace LlamaAspire.Deploy.Tests.Arm64;

/// <summary>
/// The product AppHost's <c>llama-aot</c> published as a user does it, once with <c>--Lambda:Architecture=arm64</c> and once
/// as x86_64 (the reference answer), each zip unzipped into a task root as Lambda does.
/// </summary>
public sealed class Arm64Packages : IAsyncLifetime
{
    private const string Function = "llama-aot";

    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-arm64-").FullName;

    /// <summary>The arm64 publish step's output folder (zip and templates).</summary>
    public string Arm64Output => Path.Combine(_directory, "arm64", Function);

    /// <summary>The arm64 zip unzipped.</summary>
    public string Arm64TaskRoot => Path.Combine(_directory, "arm64-task");

    /// <summary>The x86_64 zip unzipped.</summary>
    public string X64TaskRoot => Path.Combine(_directory, "x86_64-task");

    /// <summary>What the arm64 publish step printed.</summary>
    public string Arm64PublishOutput { get; private set; } = "";

    /// <summary>How long the arm64 publish step took (AppHost start, model check, cross-compile or its incremental no-op, zip).</summary>
    public TimeSpan Arm64PublishTime { get; private set; }

    public async Task InitializeAsync()
    {
        // Without the toolchain the tests are skipped; on CI they fail with the step's refusal, which names the packages.
        if (Arm64Machine.MissingPackages().Count > 0 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            return;
        }

        var started = Stopwatch.StartNew();
        Arm64PublishOutput = await PublishAsync("arm64", Arm64TaskRoot, "--Lambda:Architecture=arm64");
        Arm64PublishTime = started.Elapsed;
        await PublishAsync("x86_64", X64TaskRoot);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<string> PublishAsync(string folder, string taskRoot, params string[] configuration)
    {
        var output = Path.Combine(_directory, folder);
        var result = await AppHostPublish.RunAsync($"publish-{Function}", output, configuration);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"The {folder} publish exited {result.ExitCode}:\n{result.Output}");
        }

        ZipFile.ExtractToDirectory(Path.Combine(output, Function, $"{Function}.zip"), taskRoot); // restores the entries' Unix modes
        return result.Output;
    }
}

/// <summary>One at a time, after the parallel classes: the x86_64 publish shares artifacts/deploy/linux-x64 with
/// <see cref="PublishEndToEndTests"/>'s, and qemu wants the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Arm64Collection : ICollectionFixture<Arm64Packages>
{
    public const string Name = "arm64 packages";
}
