using LlamaAspire.Otlp;
using Xunit.Abstractions;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The Native AOT build: a clean, native, deployable publish, and the end-to-end scenarios run against it.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class AotPublishTests(TinyModelFixture tiny, AotPublishFixture aot, ITestOutputHelper output) : IClassFixture<AotPublishFixture>
{
    [Fact]
    public void Publish_is_clean_native_and_linux_only()
    {
        output.WriteLine($"publish took {aot.PublishTime.TotalSeconds:F0} s");
        foreach (var f in new DirectoryInfo(aot.OutputDirectory).GetFiles())
        {
            output.WriteLine($"{f.Name}\t{f.Length:N0}");
        }

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
        EndToEndScenarios.AnswersPromptsAsync(aot.Bootstrap, [], tiny.OrtDirectory, output);

    [Fact]
    public Task Aot_bootstrap_answers_with_the_onnx_model() =>
        EndToEndScenarios.AnswersPromptsAsync(aot.Bootstrap, [], tiny.OnnxDirectory, output);

    [Fact]
    public Task Aot_bootstrap_exports_otlp_before_responding() =>
        EndToEndScenarios.ExportsTelemetryBeforeRespondingAsync(aot.Bootstrap, [], tiny.OrtDirectory, output);

    [Fact]
    public Task Aot_bootstrap_exports_otlp_grpc_before_responding() =>
        EndToEndScenarios.ExportsTelemetryBeforeRespondingAsync(aot.Bootstrap, [], tiny.OnnxDirectory, output, OtlpProtocol.Grpc);

    [Fact]
    public Task Aot_bootstrap_reports_a_missing_model_as_an_init_error() =>
        EndToEndScenarios.MissingModelIsAnInitErrorAsync(aot.Bootstrap, [], output);
}
