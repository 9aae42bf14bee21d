using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

// WithProjectDefaults (evaluation API) is how a ProjectResource subclass gets what AddProject gives a project: OTLP, ASPNETCORE_URLS, the Rebuild command.
#pragma warning disable ASPIREPROJECTS001

namespace LlamaAspire.Hosting;

/// <summary>Adds model directories built by the <c>ModelBuilder</c> project.</summary>
public static class LlamaModelBuilderExtensions
{
    private static readonly string[] s_formats = ["onnx", "ort"];

    /// <summary>
    /// Adds a model resource: the ModelBuilder runs once (skipping the build when the directory already holds the model)
    /// and exits. The default directory is <c>{repository}/models/{preset}</c>, with <c>-ort</c> for the ORT format,
    /// <c>-prepacked</c> for saved pre-packs, <c>-q4emb</c> for the int4 embedding and <c>-last</c> for last-position logits.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="preset">The ModelBuilder preset, e.g. <c>tiny</c>.</param>
    /// <param name="format">The model format: <c>onnx</c> (default) or <c>ort</c>.</param>
    /// <param name="modelDirectory">The output directory; relative paths are resolved against the repository root.</param>
    /// <param name="lastPositionLogits">
    /// Run the LM head on the last prompt position only (the only one generation reads): the same tokens, a prefill without
    /// the LM head's work for every other position (about a fifth of a 128-token prefill at 1B).
    /// </param>
    /// <param name="int4Embedding">
    /// Gather the embedding from the LM head's int4 weights (GatherBlockQuantized) instead of an fp32 table: the 1B model's
    /// file loses its 1 GB fp32 embedding; the tokens are the same.
    /// </param>
    /// <param name="prepack">
    /// Save ONNX Runtime's packed MatMulNBits weights with the model (<c>onnx</c> only), so sessions skip packing at load: the
    /// fastest load measured (docs/benchmarks.md). The packs are valid on this CPU and ONNX Runtime version only, so the
    /// publish step deploys the same graph without them (<see cref="LlamaModelResource.DeployedModelDirectory"/>).
    /// </param>
    /// <returns>The model resource builder.</returns>
    public static IResourceBuilder<LlamaModelResource> AddLlamaModel(this IDistributedApplicationBuilder builder, string name, string preset = "tiny", string format = "onnx",
        string? modelDirectory = null, bool lastPositionLogits = false, bool int4Embedding = false, bool prepack = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        if (!s_formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "The model format must be 'onnx' or 'ort'.");
        }

        if (prepack && format != "onnx")
        {
            throw new ArgumentException("Pre-packed weights are saved with the onnx format only (an ORT-format file cannot hold them).", nameof(prepack));
        }

        var root = LambdaPaths.RepositoryRoot(builder.AppHostDirectory);
        var variant = (format == "ort" ? "-ort" : "") + (prepack ? "-prepacked" : "") + (int4Embedding ? "-q4emb" : "") + (lastPositionLogits ? "-last" : "");
        var directory = Path.GetFullPath(modelDirectory ?? Path.Combine("models", preset + variant), root);
        var model = new LlamaModelResource(name, preset, format, directory, lastPositionLogits, int4Embedding, prepack);

        return builder.AddResource(model)
            .WithAnnotation<IProjectMetadata>(BundledProject.ModelBuilder)
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true })
            .WithArgs([.. model.BuildArguments])
            .WithIconName("BrainCircuit")
            .ExcludeFromManifest();
    }
}
