using System.Diagnostics;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>Publishes the Native AOT bootstrap once per test run (linux-x64) into a temp directory with its own artifacts path.</summary>
public sealed class AotPublishFixture : IDisposable
{
    readonly string _root = TestPaths.NewTempDirectory("llama-aot");

    public AotPublishFixture()
    {
        OutputDirectory = Path.Combine(_root, "out");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["publish", TestPaths.FunctionProject, "-c", "Release", "-r", "linux-x64",
                     "--artifacts-path", Path.Combine(_root, "artifacts"), "-o", OutputDirectory, "-nologo", "-clp:NoSummary"])
        {
            psi.ArgumentList.Add(a);
        }

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(15))) { p.Kill(true); throw new TimeoutException("dotnet publish took over 15 minutes."); }
        PublishLog = stdout.Result + stderr.Result;
        PublishTime = sw.Elapsed;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({p.ExitCode}):\n{PublishLog}");
        }
    }

    public string OutputDirectory { get; }
    public string Bootstrap => Path.Combine(OutputDirectory, "bootstrap");
    public string PublishLog { get; }
    public TimeSpan PublishTime { get; }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } // best-effort temp cleanup; a busy file only leaves /tmp litter
    }
}
