using System.Diagnostics;
using Xunit.Abstractions;

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
            psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(15))) { p.Kill(true); throw new TimeoutException("dotnet publish took over 15 minutes."); }
        PublishLog = stdout.Result + stderr.Result;
        PublishTime = sw.Elapsed;
        if (p.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed ({p.ExitCode}):\n{PublishLog}");
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

[Collection(TinyModelCollection.Name)]
public sealed class AotPublishTests(TinyModelFixture tiny, AotPublishFixture aot, ITestOutputHelper output) : IClassFixture<AotPublishFixture>
{
    [Fact]
    public void Publish_is_clean_native_and_linux_only()
    {
        output.WriteLine($"publish took {aot.PublishTime.TotalSeconds:F0} s");
        foreach (var f in new DirectoryInfo(aot.OutputDirectory).GetFiles()) output.WriteLine($"{f.Name}\t{f.Length:N0}");
        Assert.DoesNotContain("warning", aot.PublishLog, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(aot.Bootstrap));
        Assert.True(File.Exists(Path.Combine(aot.OutputDirectory, "libonnxruntime.so")));
        Assert.Empty(Directory.GetFiles(aot.OutputDirectory, "*.dll"));
        Assert.Empty(Directory.GetFiles(aot.OutputDirectory, "*.exe"));
        // Deployable as is: bootstrap + libonnxruntime*.so, no symbol files.
        Assert.Equal(["bootstrap", "libonnxruntime.so", "libonnxruntime_providers_shared.so"],
            Directory.GetFiles(aot.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // A native ELF executable, not a managed apphost.
        var head = File.ReadAllBytes(aot.Bootstrap).AsSpan(0, 4).ToArray();
        Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }, head);
        Assert.False(File.Exists(Path.Combine(aot.OutputDirectory, "bootstrap.dll")));
    }

    [Fact]
    public Task Aot_bootstrap_answers_prompts_through_the_runtime_api() =>
        EndToEnd.AnswersPromptsAsync(aot.Bootstrap, [], tiny.OrtDirectory, output);

    [Fact]
    public Task Aot_bootstrap_answers_with_the_onnx_model() =>
        EndToEnd.AnswersPromptsAsync(aot.Bootstrap, [], tiny.OnnxDirectory, output);

    [Fact]
    public Task Aot_bootstrap_exports_otlp_before_responding() =>
        EndToEnd.ExportsTelemetryBeforeRespondingAsync(aot.Bootstrap, [], tiny.OrtDirectory, output);

    [Fact]
    public Task Aot_bootstrap_exports_otlp_grpc_before_responding() =>
        EndToEnd.ExportsTelemetryBeforeRespondingAsync(aot.Bootstrap, [], tiny.OnnxDirectory, output, grpc: true);

    [Fact]
    public Task Aot_bootstrap_reports_a_missing_model_as_an_init_error() =>
        EndToEnd.MissingModelIsAnInitErrorAsync(aot.Bootstrap, [], output);
}
