namespace LlamaAspire.LlamaModel;

/// <summary>
/// A model directory as config.json (Contract 1) describes it, or genai_config.json for ONNX Runtime GenAI exports:
/// resolved paths, the architecture, and what the model builder recorded in the `llamaaspire` object (null/false/empty
/// for models it did not build). Read by <see cref="ModelDirectory.Load"/>.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The model directory.</summary>
    public required string Directory { get; init; }

    /// <summary>The (first) model file, checked to exist.</summary>
    public required string ModelPath { get; init; }

    /// <summary>llamaaspire.model_files: a model split into sessions (builder --sessions N), in chain order; empty for one file.</summary>
    public IReadOnlyList<string> PartPaths { get; init; } = [];

    /// <summary>The model file's serialization, from its extension.</summary>
    public required ModelFormat Format { get; init; }

    /// <summary>The tokenizer file (tiktoken rank file or tokenizer.json), checked to exist.</summary>
    public required string TokenizerPath { get; init; }

    /// <summary>hidden_size.</summary>
    public int HiddenSize { get; init; }

    /// <summary>intermediate_size (0 when the config does not say).</summary>
    public int IntermediateSize { get; init; }

    /// <summary>num_hidden_layers.</summary>
    public int NumLayers { get; init; }

    /// <summary>num_attention_heads.</summary>
    public int NumAttentionHeads { get; init; }

    /// <summary>num_key_value_heads (defaults to the attention heads).</summary>
    public int NumKeyValueHeads { get; init; }

    /// <summary>head_dim (defaults to hidden / heads).</summary>
    public int HeadDim { get; init; }

    /// <summary>vocab_size: the logits' width, BPE ranks plus special tokens.</summary>
    public int VocabSize { get; init; }

    /// <summary>max_position_embeddings.</summary>
    public int MaxPositionEmbeddings { get; init; }

    /// <summary>bos_token_id.</summary>
    public int BosTokenId { get; init; } = Llama3SpecialTokens.BeginOfText;

    /// <summary>eos_token_id (one id or a list in the file).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = Llama3SpecialTokens.EndOfSequenceIds;

    /// <summary>The KV cache length: the graph's fixed length for our models, capped for exports.</summary>
    public int ContextLength { get; init; }

    /// <summary>How the graph's KV cache is shaped.</summary>
    public KvCacheMode KvCache { get; init; }

    /// <summary>True when config.json has the `llamaaspire` object, i.e. the model builder wrote this directory.</summary>
    public bool BuiltByModelBuilder { get; init; }

    /// <summary>llamaaspire.preset.</summary>
    public string? Preset { get; init; }

    /// <summary>llamaaspire.seed: the weights' seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>llamaaspire.synthetic: seeded weights, not a trained model.</summary>
    public bool Synthetic { get; init; }

    /// <summary>llamaaspire.optimized: ONNX Runtime already optimised the graph at build time.</summary>
    public bool Optimized { get; init; }

    /// <summary>llamaaspire.prepacked: MatMulNBits pre-packs are saved in the external data.</summary>
    public bool Prepacked { get; init; }

    /// <summary>llamaaspire.prepacked_for: the ONNX Runtime version and CPU the saved pre-packs are valid for (null: not recorded).</summary>
    public PrepackTarget? PrepackedFor { get; init; }

    /// <summary>llamaaspire.external_data_file, as a path (null: the weights are inline).</summary>
    public string? ExternalDataPath { get; init; }

    /// <summary>llamaaspire.embedding: "fp32" or "int4".</summary>
    public string? Embedding { get; init; }

    /// <summary>True when the graph's logits are the last position's only ([batch, 1, vocab]; ours with --prefill-logits last).</summary>
    public bool LastPositionLogits { get; init; }

    /// <summary>llamaaspire.quantization.accuracy_level of the MatMulNBits nodes.</summary>
    public int? QuantizationAccuracyLevel { get; init; }

    /// <summary>What the model builder recorded about graph optimisation already applied.</summary>
    public GraphOptimization RecordedOptimization { get; init; } = GraphOptimization.Default;

    /// <summary>llamaaspire.session_options.graph_optimization_level: the level the builder says to load with.</summary>
    public GraphOptimization RecommendedOptimization { get; init; } = GraphOptimization.Default;

    /// <summary>llamaaspire.session_options.config_entries: session config entries the builder says the model needs.</summary>
    public IReadOnlyDictionary<string, string> SessionConfigEntries { get; init; } = new Dictionary<string, string>();

    /// <summary>The file the configuration was read from (named in error messages).</summary>
    public string ConfigSource { get; init; } = ModelDirectoryLayout.ConfigFile;
}
