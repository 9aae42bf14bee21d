using LlamaAspire.LlamaModel;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>What was written and how a loader should open it (recorded in config.json's `llamaaspire` object).</summary>
internal sealed record ModelVariant(ModelFormat Format, bool Optimized, bool Prepacked, bool ExternalData, int Sessions = 1)
{
    public string ModelFile => Format == ModelFormat.Ort ? ModelDirectoryLayout.OrtModelFile : Sessions > 1 ? ModelDirectoryLayout.PartFile(0) : ModelDirectoryLayout.OnnxModelFile;

    public string? ExternalDataFile => ExternalData && Format == ModelFormat.Onnx ? ModelDirectoryLayout.ExternalDataFileOf(ModelFile) : null;

    /// <summary>
    /// --sessions N: the decoder as N .onnx graphs (contiguous layer ranges, each with its own page-aligned external data) that
    /// the loader creates as N sessions in parallel and runs in a chain. ONNX Runtime pre-packs MatMulNBits weights serially
    /// within one session; N sessions pre-pack on N cores.
    /// </summary>
    public IReadOnlyList<string> ModelFiles => Sessions > 1 ? [.. Enumerable.Range(0, Sessions).Select(ModelDirectoryLayout.PartFile)] : [ModelFile];

    /// <summary>The optimisation level the builder used to pre-optimise (optimised .onnx and .ort).</summary>
    public const string BuildOptimizationLevel = "ORT_ENABLE_EXTENDED";

    /// <summary>GraphOptimizationLevel the loader should use: pre-optimised variants skip optimisation at cold start.</summary>
    public string LoadOptimizationLevel => Format == ModelFormat.Ort || Optimized ? "ORT_DISABLE_ALL" : "ORT_ENABLE_ALL";

    /// <summary>
    /// Session config entries (SessionOptions.AddSessionConfigEntry) the loader should set. For ORT format these include
    /// the zero-copy entries (ORT memory-maps the .ort and points initializers into it): on llama-3.2-1b they halved
    /// session creation and cut peak RSS from 4.6 GB to 1.8 GB with ORT 1.31.1. Load the model by path, not from bytes.
    /// </summary>
    public IReadOnlyDictionary<string, string> LoadConfigEntries
    {
        get
        {
            var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (Format == ModelFormat.Ort)
            {
                entries["session.load_model_format"] = "ORT";
                foreach (var (k, v) in ZeroCopyConfigEntries)
                {
                    entries[k] = v;
                }
            }

            return entries;
        }
    }

    /// <summary>The subset of <see cref="LoadConfigEntries"/> that is zero-copy (a benchmark can drop them to compare).</summary>
    public IReadOnlyDictionary<string, string> ZeroCopyConfigEntries => Format == ModelFormat.Ort
        ? new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["session.use_memory_mapped_ort_model"] = "1",
            ["session.use_ort_model_bytes_for_initializers"] = "1",
        }
        : new SortedDictionary<string, string>(StringComparer.Ordinal);
}
