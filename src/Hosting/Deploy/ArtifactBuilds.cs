using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// Builds what a package holds when the publish step needs it: the Native AOT <c>bootstrap</c> for the function's
/// architecture and the model directory. One build at a time, so two functions' steps never race on a shared
/// <c>obj/</c> (and a two-core machine is not asked to link two AOT binaries at once).
/// </summary>
internal static class ArtifactBuilds
{
    private static readonly SemaphoreSlim s_oneBuildAtATime = new(1, 1);

    /// <summary>The .NET runtime identifier of <paramref name="architecture"/> on Lambda's Linux.</summary>
    public static string RuntimeIdentifier(LambdaArchitecture architecture) => architecture == LambdaArchitecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>
    /// <c>dotnet publish -c Release -r {rid} -p:PublishAot=true</c> into <c>artifacts/deploy/{rid}/publish</c> (its own
    /// <c>--artifacts-path</c>: never the JIT build's or the local run's <c>obj/</c>). Returns the publish directory.
    /// linux-arm64 on an x64 machine is a cross-compile: refused, naming the Debian packages, when its toolchain is missing.
    /// </summary>
    public static async Task<string> PublishBootstrapAsync(string repositoryRoot, string projectPath, LambdaArchitecture architecture, CancellationToken cancellationToken)
    {
        var rid = RuntimeIdentifier(architecture);
        if (architecture == LambdaArchitecture.Arm64 && Arm64CrossToolchain.MissingPackages() is { Count: > 0 } missing)
        {
            throw new DeployRefusedException(Arm64CrossToolchain.Refusal(missing));
        }

        var artifacts = Path.Combine(repositoryRoot, "artifacts", "deploy", rid);
        var publish = Path.Combine(artifacts, "publish");
        var (exitCode, output) = await RunAsync(repositoryRoot, cancellationToken,
            "publish", projectPath, "-c", "Release", "-r", rid, "-p:PublishAot=true", "--artifacts-path", artifacts, "-o", publish, "-nologo").ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish -r {rid} failed (exit code {exitCode}).\n{Tail(output)}");
        }

        return publish;
    }

    /// <summary>
    /// The managed-runtime function: <c>dotnet publish -c Release -r {rid} --self-contained false -p:PublishAot=false
    /// -p:UseAppHost=false</c> into <c>artifacts/deploy/managed-{rid}/publish</c> — the framework-dependent executable assembly
    /// (the JIT build the AppHost runs locally, published for Lambda's Linux), its <c>.deps.json</c> and <c>.runtimeconfig.json</c>,
    /// its dependencies and the RID's native libraries flattened beside it. No apphost: Lambda's dotnet10 runtime starts the
    /// assembly itself. No native toolchain either, so linux-arm64 needs nothing more than linux-x64. Returns the directory.
    /// </summary>
    public static async Task<string> PublishManagedAsync(string repositoryRoot, string projectPath, LambdaArchitecture architecture, CancellationToken cancellationToken)
    {
        var rid = RuntimeIdentifier(architecture);
        var artifacts = Path.Combine(repositoryRoot, "artifacts", "deploy", $"managed-{rid}");
        var publish = Path.Combine(artifacts, "publish");
        // dotnet publish adds to its output directory and never removes: a file an earlier build left would be packaged.
        if (Directory.Exists(publish))
        {
            Directory.Delete(publish, recursive: true);
        }

        var (exitCode, output) = await RunAsync(repositoryRoot, cancellationToken,
            "publish", projectPath, "-c", "Release", "-r", rid, "--self-contained", "false", "-p:PublishAot=false", "-p:UseAppHost=false",
            "--artifacts-path", artifacts, "-o", publish, "-nologo").ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish -r {rid} --self-contained false failed (exit code {exitCode}).\n{Tail(output)}");
        }

        return publish;
    }

    /// <summary>
    /// Builds the model directory that is deployed (<see cref="LlamaModelResource.DeployedModelDirectory"/>) with the
    /// ModelBuilder unless it already holds a model.
    /// </summary>
    /// <returns>Whether a build ran.</returns>
    public static async Task<bool> EnsureDeployedModelAsync(string repositoryRoot, LlamaModelResource model, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(model.DeployedModelDirectory, "config.json")))
        {
            return false;
        }

        if (!model.TryGetLastAnnotation<IProjectMetadata>(out var builder))
        {
            throw new InvalidOperationException($"Model '{model.Name}' has no directory at {model.DeployedModelDirectory} and no builder project.");
        }

        var (exitCode, output) = await RunAsync(repositoryRoot, cancellationToken,
            ["run", "--project", builder.ProjectPath, "--no-launch-profile", "--", .. model.DeployedBuildArguments]).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Building model '{model.Name}' ({model.Preset}, {model.Format}) failed (exit code {exitCode}).\n{Tail(output)}");
        }

        return true;
    }

    private static async Task<(int ExitCode, List<string> Output)> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        await s_oneBuildAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var start = new ProcessStartInfo("dotnet", arguments)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
            var output = new List<string>();
            void Collect(object? sender, DataReceivedEventArgs e)
            {
                if (e.Data is not null)
                {
                    lock (output)
                    {
                        output.Add(e.Data);
                    }
                }
            }

            process.OutputDataReceived += Collect;
            process.ErrorDataReceived += Collect;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, output);
        }
        finally
        {
            s_oneBuildAtATime.Release();
        }
    }

    private static string Tail(List<string> output) => string.Join('\n', output.TakeLast(30));
}
