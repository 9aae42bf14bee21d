using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>
/// A model directory (Contract 1) written by the <c>ModelBuilder</c> project on first run
/// (<c>build --preset {preset} --out {dir} --format {format} … --if-missing</c>). It runs to completion; functions
/// that use it wait for that.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="preset">The ModelBuilder preset (<c>tiny</c>, <c>llama-3.2-1b</c>, <c>llama-3.2-3b</c>).</param>
/// <param name="format">The model format: <c>onnx</c> or <c>ort</c>.</param>
/// <param name="modelDirectory">The directory the model is written to; passed to functions as <c>MODEL_DIR</c>.</param>
/// <param name="lastPositionLogits">Whether the graph computes the last position's logits only (builder <c>--prefill-logits last</c>).</param>
/// <param name="int4Embedding">Whether the embedding is the LM head's int4 weights (builder <c>--embedding int4</c>).</param>
/// <param name="prepacked">Whether ONNX Runtime's packed weights are saved with the model (builder <c>--prepack</c>).</param>
public class LlamaModelResource(string name, string preset, string format, string modelDirectory, bool lastPositionLogits = false,
    bool int4Embedding = false, bool prepacked = false) : ProjectResource(name)
{
    /// <summary>Whether the LM head runs on the last position only: prefill skips it for every other prompt position.</summary>
    public bool LastPositionLogits { get; } = lastPositionLogits;

    /// <summary>Whether the token embedding is the LM head's int4 weights (GatherBlockQuantized) rather than an fp32 table.</summary>
    public bool Int4Embedding { get; } = int4Embedding;

    /// <summary>
    /// Whether the model holds ONNX Runtime's pre-packed weights: the fastest load, valid only on a CPU like this one and
    /// with this ONNX Runtime version (the function refuses them elsewhere), so what is deployed is <see cref="DeployedModelDirectory"/>.
    /// </summary>
    public bool Prepacked { get; } = prepacked;

    /// <summary>The ModelBuilder's arguments that write this model (skipped when the directory already holds it).</summary>
    public IReadOnlyList<string> BuildArguments => Prepacked ? Arguments(ModelDirectory, "--prepack") : Arguments(ModelDirectory);

    /// <summary>The ModelBuilder preset.</summary>
    public string Preset { get; } = preset;

    /// <summary>The model format (<c>onnx</c> or <c>ort</c>).</summary>
    public string Format { get; } = format;

    /// <summary>The model directory.</summary>
    public string ModelDirectory { get; } = modelDirectory;

    /// <summary>
    /// The directory the publish step packages: this one, or for a pre-packed model the same graph optimised offline without
    /// the packs and with its weights as memory-mapped external data (<c>{directory}-portable</c>), which loads on whatever
    /// CPU Lambda gives the function. At 1B it is ready in 2.5 s where the packed one takes 2.0 s (docs/benchmarks.md).
    /// </summary>
    public string DeployedModelDirectory => Prepacked ? ModelDirectory + "-portable" : ModelDirectory;

    /// <summary>The ModelBuilder's arguments that write <see cref="DeployedModelDirectory"/>.</summary>
    public IReadOnlyList<string> DeployedBuildArguments => Prepacked ? Arguments(DeployedModelDirectory, "--optimize", "--external-data") : BuildArguments;

    private string[] Arguments(string directory, params string[] flags) =>
    [
        "build", "--preset", Preset, "--out", directory, "--format", Format,
        .. Int4Embedding ? (string[])["--embedding", "int4"] : [],
        .. LastPositionLogits ? (string[])["--prefill-logits", "last"] : [],
        .. flags, "--if-missing",
    ];
}
