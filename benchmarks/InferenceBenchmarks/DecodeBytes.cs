using LlamaAspire.LlamaModel;

namespace LlamaAspire.Benchmarks;

/// <summary>
/// The bytes one generated token reads from memory, from the model's dimensions: every MatMulNBits weight (int4) with its
/// scales (fp32, one per 32-value block) in the layers and the LM head, one embedding row, and the norms. Not the file size:
/// the 1B preset's fp32 embedding (1 GB) is gathered one row per token. The KV cache read grows with the context and is left
/// out (a few MB at the benchmark's length), so the bound is slightly optimistic.
/// </summary>
internal static class DecodeBytes
{
    private const double Int4WithScales = 0.5 + 4.0 / 32;

    public static double PerToken(ModelConfig c)
    {
        long h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        var layerMatMul = h * (q + 2 * kv) + q * h + 3 * h * c.IntermediateSize;
        var matMulParams = c.NumLayers * layerMatMul + (long)c.VocabSize * h; // + the LM head
        var embeddingRow = c.Embedding == "int4" ? h * Int4WithScales : h * sizeof(float);
        var norms = (2L * c.NumLayers + 1) * h * sizeof(float);
        return matMulParams * Int4WithScales + embeddingRow + norms;
    }
}
