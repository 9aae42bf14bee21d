using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>
/// A model directory (Contract 1) written by the <c>ModelBuilder</c> project on first run
/// (<c>build --preset {preset} --out {dir} --format {format} --if-missing</c>). It runs to completion; functions
/// that use it wait for that.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="preset">The ModelBuilder preset (<c>tiny</c>, <c>llama-3.2-1b</c>, <c>llama-3.2-3b</c>).</param>
/// <param name="format">The model format: <c>onnx</c> or <c>ort</c>.</param>
/// <param name="modelDirectory">The directory the model is written to; passed to functions as <c>MODEL_DIR</c>.</param>
/// <param name="lastPositionLogits">Whether the graph computes the last position's logits only (builder <c>--prefill-logits last</c>).</param>
public class LlamaModelResource(string name, string preset, string format, string modelDirectory, bool lastPositionLogits = false) : ProjectResource(name)
{
    /// <summary>Whether the LM head runs on the last position only: prefill skips it for every other prompt position.</summary>
    public bool LastPositionLogits { get; } = lastPositionLogits;

    /// <summary>The ModelBuilder's arguments that write this model (skipped when the directory already holds it).</summary>
    public IReadOnlyList<string> BuildArguments =>
    [
        "build", "--preset", Preset, "--out", ModelDirectory, "--format", Format,
        .. LastPositionLogits ? (string[])["--prefill-logits", "last"] : [], "--if-missing",
    ];

    /// <summary>The ModelBuilder preset.</summary>
    public string Preset { get; } = preset;

    /// <summary>The model format (<c>onnx</c> or <c>ort</c>).</summary>
    public string Format { get; } = format;

    /// <summary>The model directory.</summary>
    public string ModelDirectory { get; } = modelDirectory;
}
