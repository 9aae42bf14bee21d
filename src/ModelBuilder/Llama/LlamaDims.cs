namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>How the token embedding is stored: fp32 (Gather, as ORT GenAI cpu-int4 exports ship it) or int4 (GatherBlockQuantized).</summary>
internal enum EmbeddingKind
{
    Int4,
    Fp32,
}

/// <summary>
/// Llama-3.2 architecture dimensions plus how the graph is built: the KV-cache length, the embedding's storage, MatMulNBits'
/// accuracy level, and whether the LM head runs on the last position only (<see cref="LastPositionLogits"/>: logits
/// [batch, 1, vocab]; prefill skips the LM head for every prompt position but the one generation reads).
/// </summary>
internal sealed record LlamaDims(
    int HiddenSize,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int IntermediateSize,
    int VocabSize,
    int ContextLength,
    EmbeddingKind Embedding,
    int AccuracyLevel = 4,
    bool LastPositionLogits = false)
{
    public const int BlockSize = 32;
    public const double RmsNormEps = 1e-5;
    public const double RopeTheta = 500_000;
    public const double RopeFactor = 32, RopeLowFreqFactor = 1, RopeHighFreqFactor = 4;
    public const int RopeOriginalMaxPositions = 8192;
    public const int MaxPositionEmbeddings = 131_072;

    public int QkvSize => (Heads + 2 * KvHeads) * HeadDim;

    /// <summary>Parameters of the float model this stands for (embedding counted once: the LM head is tied).</summary>
    public long ParameterCount
    {
        get
        {
            long h = HiddenSize, q = (long)Heads * HeadDim, kv = (long)KvHeads * HeadDim, i = IntermediateSize;
            var perLayer = h * (q + 2 * kv) + q * h + 3 * h * i + 2 * h;
            return Layers * perLayer + (long)VocabSize * h + h;
        }
    }

    /// <summary>Null when valid, else one message naming the flag and the rule.</summary>
    public string? Validate()
    {
        if (HiddenSize <= 0 || HiddenSize % BlockSize != 0)
        {
            return $"--hidden-size must be a positive multiple of {BlockSize} (the int4 block size), got {HiddenSize}.";
        }

        if (Layers is <= 0 or > 256)
        {
            return $"--layers must be between 1 and 256, got {Layers}.";
        }

        if (Heads <= 0)
        {
            return $"--heads must be positive, got {Heads}.";
        }

        if (KvHeads <= 0 || Heads % KvHeads != 0)
        {
            return $"--kv-heads must be positive and divide --heads ({Heads}), got {KvHeads}.";
        }

        if (HeadDim <= 0 || HeadDim % 16 != 0 || HeadDim > 256)
        {
            return $"--head-dim must be a multiple of 16 up to 256 (rotary halves and int4 blocks), got {HeadDim}.";
        }

        if (Heads * HeadDim % BlockSize != 0)
        {
            return $"--heads x --head-dim must be a multiple of {BlockSize} (o_proj input), got {Heads * HeadDim}.";
        }

        if (IntermediateSize <= 0 || IntermediateSize % BlockSize != 0)
        {
            return $"--intermediate-size must be a positive multiple of {BlockSize}, got {IntermediateSize}.";
        }

        if (VocabSize < 128_256)
        {
            return $"--vocab-size must be at least 128256 (the Llama 3 tokenizer emits ids up to 128255), got {VocabSize}.";
        }

        if (ContextLength is < 16 or > MaxPositionEmbeddings)
        {
            return $"--context-length must be between 16 and {MaxPositionEmbeddings}, got {ContextLength}.";
        }

        if (AccuracyLevel is not (0 or 1 or 4))
        {
            return $"--accuracy-level must be 0, 1 (fp32) or 4 (int8, fastest on CPU), got {AccuracyLevel}.";
        }

        return null;
    }
}

internal static class Presets
{
    public const string Tiny = "tiny", Llama1B = "llama-3.2-1b", Llama3B = "llama-3.2-3b", Custom = "custom";

    public static readonly string[] Names = [Tiny, Llama1B, Llama3B];

    /// <summary>The preset's dims, or null for an unknown name. <paramref name="contextLength"/> overrides the default.</summary>
    public static LlamaDims? Get(string name, int? contextLength = null) => name switch
    {
        Tiny => new LlamaDims(64, 2, 4, 2, 16, 192, 128_256, contextLength ?? 512, EmbeddingKind.Int4),
        Llama1B => new LlamaDims(2048, 16, 32, 8, 64, 8192, 128_256, contextLength ?? 2048, EmbeddingKind.Fp32),
        Llama3B => new LlamaDims(3072, 28, 24, 8, 128, 8192, 128_256, contextLength ?? 2048, EmbeddingKind.Fp32),
        _ => null,
    };
}
