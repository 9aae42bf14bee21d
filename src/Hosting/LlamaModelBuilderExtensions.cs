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
    /// and exits. The default directory is <c>{repository}/models/{preset}</c> (<c>{preset}-ort</c> for the ORT format).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="preset">The ModelBuilder preset, e.g. <c>tiny</c>.</param>
    /// <param name="format">The model format: <c>onnx</c> (default) or <c>ort</c>.</param>
    /// <param name="modelDirectory">The output directory; relative paths are resolved against the repository root.</param>
    /// <returns>The model resource builder.</returns>
    public static IResourceBuilder<LlamaModelResource> AddLlamaModel(this IDistributedApplicationBuilder builder, string name, string preset = "tiny", string format = "onnx", string? modelDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        if (!s_formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "The model format must be 'onnx' or 'ort'.");
        }

        var root = LambdaPaths.RepositoryRoot(builder.AppHostDirectory);
        var directory = Path.GetFullPath(modelDirectory ?? Path.Combine("models", format == "ort" ? $"{preset}-ort" : preset), root);

        return builder.AddResource(new LlamaModelResource(name, preset, format, directory))
            .WithAnnotation<IProjectMetadata>(BundledProject.ModelBuilder)
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true })
            .WithArgs("build", "--preset", preset, "--out", directory, "--format", format, "--if-missing")
            .WithIconName("BrainCircuit")
            .ExcludeFromManifest();
    }
}
