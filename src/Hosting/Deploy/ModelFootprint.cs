using LlamaAspire.LlamaModel;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// An estimate of the memory a function holding the model needs resident: the model's files (ONNX Runtime reads the weights
/// into memory), the KV cache the graph is built for, and the process and runtime around them.
/// </summary>
/// <param name="ModelBytes">The model directory's files.</param>
/// <param name="KvCacheBytes">Keys and values for the whole context (float32), or 0 if the config could not be read.</param>
internal sealed record ModelFootprint(long ModelBytes, long KvCacheBytes)
{
    /// <summary>The process, .NET and ONNX Runtime's own arenas apart from weights and cache (measured locally at about
    /// 100 MB with the tiny model; rounded up).</summary>
    public const long RuntimeBytes = 128L * 1024 * 1024;

    /// <summary>The estimated resident size.</summary>
    public long ResidentBytes => ModelBytes + KvCacheBytes + RuntimeBytes;

    /// <summary>The parts, in words.</summary>
    public string Breakdown =>
        $"model files {ByteSize.Format(ModelBytes)} + KV cache {ByteSize.Format(KvCacheBytes)} + runtime {ByteSize.Format(RuntimeBytes)}";

    /// <summary>The footprint of the model in <paramref name="directory"/> whose files are <paramref name="modelFiles"/>.</summary>
    public static ModelFootprint Of(string directory, IEnumerable<PackageFile> modelFiles)
    {
        var bytes = modelFiles.Sum(f => f.Length);
        try
        {
            var config = ModelDirectory.Load(directory);
            long kv = 2L * config.NumLayers * config.NumKeyValueHeads * config.ContextLength * config.HeadDim * sizeof(float);
            return new ModelFootprint(bytes, kv);
        }
        catch (ModelLoadException)
        {
            // Not a directory the function could load either; the weights alone still bound memory from below.
            return new ModelFootprint(bytes, 0);
        }
    }
}
