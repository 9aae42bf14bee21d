using System.Text.Json;

namespace LlamaAspire.LlamaModel;

/// <summary>
/// Finds and reads a model directory: ours (config.json with the `llamaaspire` object), a Hugging Face export
/// (config.json alone) or an ONNX Runtime GenAI export (genai_config.json). Every failure is a
/// <see cref="ModelLoadException"/> naming the path and the cause.
/// </summary>
public static class ModelDirectory
{
    /// <summary>The KV cache length exports are capped to when no cap is given (they claim 128k positions).</summary>
    public const int DefaultContextCap = 4096;

    /// <summary>Reads <paramref name="directory"/>; <paramref name="contextCap"/> caps an export's context length.</summary>
    public static ModelConfig Load(string directory, int? contextCap = null)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"Model directory '{directory}' does not exist.");
        }

        var configPath = Path.Combine(directory, ModelDirectoryLayout.ConfigFile);
        var genaiPath = Path.Combine(directory, ModelDirectoryLayout.GenAiConfigFile);
        JsonElement? cfg = File.Exists(configPath) ? ReadJson(configPath) : null;
        JsonElement? ours = cfg is { } c && c.TryGetProperty("llamaaspire", out var la) && la.ValueKind == JsonValueKind.Object ? la : null;
        // Our config.json says everything; the GenAI file beside it (for GenAI's sake) is only read for exports. Cold-start path.
        JsonElement? genai = ours is null && File.Exists(genaiPath) ? ReadJson(genaiPath) : null;
        if (cfg is null && genai is null)
        {
            throw new ModelLoadException(ModelLoadFailure.Config, $"Model config '{configPath}' not found (nor {ModelDirectoryLayout.GenAiConfigFile}) in '{directory}'.");
        }

        JsonElement? genaiModel = genai is { } g && g.TryGetProperty("model", out var gm) ? gm : null;
        JsonElement? decoder = genaiModel is { } m && m.TryGetProperty("decoder", out var dec) ? dec : null;
        var source = cfg is not null ? configPath : genaiPath;

        // config.json's Hugging Face name first, then GenAI's decoder section, then GenAI's model section.
        int? Field(string name, string? genaiName = null) =>
            (cfg is { } c1 ? Int(c1, name) : null)
            ?? (genaiName is not null && decoder is { } d ? Int(d, genaiName) : null)
            ?? (genaiName is not null && genaiModel is { } gmm ? Int(gmm, genaiName) : null);

        int Required(string name, string genaiName) => Field(name, genaiName)
            ?? throw new ModelLoadException(ModelLoadFailure.Config, $"Model config '{source}': required field '{name}' is missing or not an integer.");

        var hidden = Required("hidden_size", "hidden_size");
        var heads = Required("num_attention_heads", "num_attention_heads");
        var layers = Required("num_hidden_layers", "num_hidden_layers");
        var vocab = Required("vocab_size", "vocab_size");
        var kvHeads = Field("num_key_value_heads", "num_key_value_heads") ?? heads;
        var headDim = (cfg is { } c2 ? Int(c2, "head_dim") : null) ?? (decoder is { } d2 ? Int(d2, "head_size") : null) ?? hidden / heads;
        var maxPositions = (cfg is { } c3 ? Int(c3, "max_position_embeddings") : null) ?? (genaiModel is { } g3 ? Int(g3, "context_length") : null) ?? 131072;
        var bos = (cfg is { } c4 ? Int(c4, "bos_token_id") : null) ?? (genaiModel is { } g4 ? Int(g4, "bos_token_id") : null) ?? Llama3SpecialTokens.BeginOfText;
        var eos = (cfg is { } c5 ? IntList(c5, "eos_token_id") : null) ?? (genaiModel is { } g5 ? IntList(g5, "eos_token_id") : null)
            ?? Llama3SpecialTokens.EndOfSequenceIds;

        var (kvCache, context) = KvCacheOf(ours, genai, genaiModel, maxPositions, contextCap);
        if (context < 2)
        {
            throw new ModelLoadException(ModelLoadFailure.Config, $"Model config '{source}': context length {context} is too small.");
        }

        var modelFile = (ours is { } o1 ? Str(o1, "model_file") : null) ?? (decoder is { } d3 ? Str(d3, "filename") : null);
        var modelPath = modelFile is not null
            ? Path.Combine(directory, modelFile)
            : ModelDirectoryLayout.ModelFileCandidates.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists)
              ?? throw new ModelLoadException(ModelLoadFailure.Model, $"No model file in '{directory}' (looked for {string.Join(", ", ModelDirectoryLayout.ModelFileCandidates)}).");
        RequireNamedFile(modelPath, "Model file", source, ModelLoadFailure.Model);

        var tokenizerFile = ours is { } o2 ? Str(o2, "tokenizer_file") : null;
        var tokenizerPath = tokenizerFile is not null
            ? Path.Combine(directory, tokenizerFile)
            : ModelDirectoryLayout.TokenizerFileCandidates.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists)
              ?? throw new ModelLoadException(ModelLoadFailure.Tokenizer, $"No tokenizer in '{directory}' (looked for {string.Join(", ", ModelDirectoryLayout.TokenizerFileCandidates)}).");
        RequireNamedFile(tokenizerPath, "Tokenizer file", source, ModelLoadFailure.Tokenizer);

        var externalData = ours is { } o3 ? Str(o3, "external_data_file") : null;
        var externalDataPath = externalData is null ? null : Path.Combine(directory, externalData);
        if (externalDataPath is not null)
        {
            RequireNamedFile(externalDataPath, "External data file", source, ModelLoadFailure.Model);
        }

        return new ModelConfig
        {
            Directory = directory,
            ModelPath = modelPath,
            PartPaths = ours is { } o4 ? PartPathsOf(o4, directory, source) : [],
            Format = modelPath.EndsWith(".ort", StringComparison.OrdinalIgnoreCase) ? ModelFormat.Ort : ModelFormat.Onnx,
            TokenizerPath = tokenizerPath,
            HiddenSize = hidden,
            IntermediateSize = Field("intermediate_size") ?? 0,
            NumLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = vocab,
            MaxPositionEmbeddings = maxPositions,
            BosTokenId = bos,
            EosTokenIds = eos,
            ContextLength = context,
            KvCache = kvCache,
            BuiltByModelBuilder = ours is not null,
            Preset = ours is { } o5 ? Str(o5, "preset") : null,
            Seed = ours is { } o6 && o6.TryGetProperty("seed", out var seed) && seed.ValueKind == JsonValueKind.Number && seed.TryGetUInt64(out var s) ? s : null,
            Synthetic = ours is { } o7 && Bool(o7, "synthetic"),
            Optimized = ours is { } o8 && Bool(o8, "optimized"),
            Prepacked = ours is { } o9 && Bool(o9, "prepacked"),
            PrepackedFor = ours is { } o14 ? PrepackTargetOf(o14) : null,
            ExternalDataPath = externalDataPath,
            Embedding = ours is { } o10 ? Str(o10, "embedding") : null,
            LastPositionLogits = ours is { } o13 && Str(o13, "logits") == "last-position",
            QuantizationAccuracyLevel = ours is { } o11 && o11.TryGetProperty("quantization", out var q) && q.ValueKind == JsonValueKind.Object ? Int(q, "accuracy_level") : null,
            RecordedOptimization = ours is { } o12 ? RecordedOptimizationOf(o12) : GraphOptimization.Default,
            RecommendedOptimization = SessionOptionsOf(ours, out var entries),
            SessionConfigEntries = entries,
            ConfigSource = source,
        };
    }

    /// <summary>
    /// The KV-cache mode and length: ours says it; a GenAI export says past_present_share_buffer; otherwise a growing export.
    /// Our graphs are built for context_length (a fixed KV dimension), taken as is. Exports say 128k positions: the KV cache
    /// a loader allocates (shared-buffer) or allows (growing) is capped, by <paramref name="contextCap"/> or 4096.
    /// </summary>
    private static (KvCacheMode Mode, int Context) KvCacheOf(JsonElement? ours, JsonElement? genai, JsonElement? genaiModel, int maxPositions, int? contextCap)
    {
        if (ours is { } o && Str(o, "kv_cache") is { } kvMode)
        {
            var mode = kvMode.Equals("growing", StringComparison.OrdinalIgnoreCase) ? KvCacheMode.Growing : KvCacheMode.SharedBuffer;
            return (mode, Int(o, "context_length") ?? maxPositions);
        }

        var cap = contextCap ?? DefaultContextCap;
        if (genai is { } g && g.TryGetProperty("search", out var search) && search.TryGetProperty("past_present_share_buffer", out var share) && share.ValueKind == JsonValueKind.True)
        {
            return (KvCacheMode.SharedBuffer, Math.Min((genaiModel is { } gm ? Int(gm, "context_length") : null) ?? maxPositions, cap));
        }

        return (KvCacheMode.Growing, Math.Min(maxPositions, cap));
    }

    private static void RequireNamedFile(string path, string what, string source, ModelLoadFailure failure)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(failure, $"{what} '{path}' named by '{source}' does not exist.");
        }
    }

    private static List<string> PartPathsOf(JsonElement ours, string directory, string source)
    {
        var parts = new List<string>();
        if (!ours.TryGetProperty("model_files", out var files) || files.ValueKind != JsonValueKind.Array || files.GetArrayLength() < 2)
        {
            return parts;
        }

        foreach (var file in files.EnumerateArray())
        {
            if (file.ValueKind != JsonValueKind.String)
            {
                throw new ModelLoadException(ModelLoadFailure.Config, $"Model config '{source}': model_files must be file names.");
            }

            var part = Path.Combine(directory, file.GetString()!);
            RequireNamedFile(part, "Model file", source, ModelLoadFailure.Model);
            parts.Add(part);
        }

        return parts;
    }

    /// <summary>Accepts the spellings a builder might record: "graph_optimization_level"/"optimization_level"/"optimized" (bool).</summary>
    /// <summary>llamaaspire.prepacked_for: {onnxruntime, architecture, cpu_features}; null when absent (packs of an older build).</summary>
    private static PrepackTarget? PrepackTargetOf(JsonElement ours) =>
        ours.TryGetProperty("prepacked_for", out var p) && p.ValueKind == JsonValueKind.Object
        && Str(p, "onnxruntime") is { } version && Str(p, "architecture") is { } architecture
        && p.TryGetProperty("cpu_features", out var f) && f.ValueKind == JsonValueKind.Array
            ? new PrepackTarget(version, architecture, [.. f.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)])
            : null;

    private static GraphOptimization RecordedOptimizationOf(JsonElement ours)
    {
        foreach (var name in (string[])["graph_optimization_level", "optimization_level", "optimized_level", "optimization"])
        {
            if (GraphOptimizationNames.Parse(Str(ours, name)) is var level && level != GraphOptimization.Default)
            {
                return level;
            }
        }

        if (ours.TryGetProperty("optimized", out var optimized))
        {
            if (optimized.ValueKind == JsonValueKind.True)
            {
                return GraphOptimization.All;
            }

            if (optimized.ValueKind == JsonValueKind.String)
            {
                return GraphOptimizationNames.Parse(optimized.GetString());
            }
        }

        return GraphOptimization.Default;
    }

    private static GraphOptimization SessionOptionsOf(JsonElement? ours, out Dictionary<string, string> entries)
    {
        entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ours is not { } o || !o.TryGetProperty("session_options", out var options) || options.ValueKind != JsonValueKind.Object)
        {
            return GraphOptimization.Default;
        }

        if (options.TryGetProperty("config_entries", out var configEntries) && configEntries.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in configEntries.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    entries[entry.Name] = entry.Value.GetString()!;
                }
            }
        }

        return GraphOptimizationNames.Parse(Str(options, "graph_optimization_level"));
    }

    private static JsonElement ReadJson(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(ModelLoadFailure.Config, $"Model config '{path}' is not a JSON object.");
            }

            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(ModelLoadFailure.Config, $"Model config '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new ModelLoadException(ModelLoadFailure.Config, $"Model config '{path}' could not be read: {ex.Message}", ex);
        }
    }

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static int[]? IntList(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var one))
        {
            return [one];
        }

        if (v.ValueKind == JsonValueKind.Array)
        {
            return [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetInt32())];
        }

        return null;
    }
}
