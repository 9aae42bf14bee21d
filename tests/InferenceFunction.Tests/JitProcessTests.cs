using Xunit.Abstractions;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The JIT build (<c>dotnet bootstrap.dll</c>) through the end-to-end scenarios.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class JitProcessTests(TinyModelFixture tiny, ITestOutputHelper output)
{
    private static string[] Args => [TestPaths.FunctionDll];

    [Fact]
    public Task Jit_bootstrap_answers_prompts_through_the_runtime_api() =>
        EndToEndScenarios.AnswersPromptsAsync("dotnet", Args, tiny.OnnxDirectory, output);

    [Fact]
    public Task Jit_bootstrap_with_ort_model_answers() =>
        EndToEndScenarios.AnswersPromptsAsync("dotnet", Args, tiny.OrtDirectory, output);

    [Fact]
    public Task Jit_bootstrap_exports_otlp_before_responding() =>
        EndToEndScenarios.ExportsTelemetryBeforeRespondingAsync("dotnet", Args, tiny.OnnxDirectory, output);

    [Fact]
    public Task Jit_bootstrap_under_SnapStart_flushes_before_the_snapshot_and_exports_through_new_connections_after_the_restore() =>
        EndToEndScenarios.SnapStartFlushesBeforeTheSnapshotAndReconnectsAfterTheRestoreAsync("dotnet", Args, tiny.OnnxDirectory, output);

    [Fact]
    public Task Jit_bootstrap_reports_a_missing_model_as_an_init_error() =>
        EndToEndScenarios.MissingModelIsAnInitErrorAsync("dotnet", Args, output);
}
