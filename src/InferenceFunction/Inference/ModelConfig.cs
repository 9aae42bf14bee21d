using System.Text.Json;

namespace LlamaAspire.InferenceFunction.Inference;

public enum KvCacheMode { SharedBuffer, Growing }

public enum ModelFormat { Onnx, Ort }

/// <summary>What the function needs from config.json (Contract 1), or from genai_config.json for ORT GenAI exports.</summary>
public sealed record ModelConfig
{
    public required string Directory { get; init; }
    public required string ModelPath { get; init; }
    /// <summary>llamaaspire.model_files: a model split into sessions (builder --sessions N), in chain order; empty for one file.</summary>
    public IReadOnlyList<string> PartPaths { get; init; } = [];
    public required ModelFormat Format { get; init; }
    public required string TokenizerPath { get; init; }
    public int HiddenSize { get; init; }
    public int NumLayers { get; init; }
    public int NumAttentionHeads { get; init; }
    public int NumKeyValueHeads { get; init; }
    public int HeadDim { get; init; }
    public int VocabSize { get; init; }
    public int MaxPositionEmbeddings { get; init; }
    public int BosTokenId { get; init; } = 128000;
    public IReadOnlyList<int> EosTokenIds { get; init; } = [128001, 128008, 128009];
    public int ContextLength { get; init; }
    public KvCacheMode KvCache { get; init; }
    public string? Preset { get; init; }
    public bool Synthetic { get; init; }
    /// <summary>What the model builder recorded about graph optimisation already applied (null: nothing recorded).</summary>
    public GraphOptimization RecordedOptimization { get; init; } = GraphOptimization.Default;
    /// <summary>llamaaspire.session_options.graph_optimization_level: the level the builder says to load with.</summary>
    public GraphOptimization RecommendedOptimization { get; init; } = GraphOptimization.Default;
    /// <summary>llamaaspire.session_options.config_entries: session config entries the builder says the model needs.</summary>
    public IReadOnlyDictionary<string, string> SessionConfigEntries { get; init; } = new Dictionary<string, string>();
    public string ConfigSource { get; init; } = "config.json";
}

/// <summary>Finds and reads the model directory. Every failure names the path and the cause.</summary>
public static class ModelDirectory
{
    public const string DefaultContextCap = "4096";
    static readonly string[] ModelCandidates = ["model.ort", "model.onnx", "onnx/model_q4.onnx", "onnx/model.onnx"];
    static readonly string[] TokenizerCandidates = ["tokenizer.model", "original/tokenizer.model", "tokenizer.json"];

    public static ModelConfig Load(string directory, int? contextCap = null)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new ModelLoadException(ModelLoadException.ModelLoadError, $"Model directory '{directory}' does not exist (set {EnvVars.ModelDir}).");

        string configPath = Path.Combine(directory, "config.json");
        string genaiPath = Path.Combine(directory, "genai_config.json");
        JsonElement? cfg = File.Exists(configPath) ? ReadJson(configPath) : null;
        JsonElement? genai = File.Exists(genaiPath) ? ReadJson(genaiPath) : null;
        if (cfg is null && genai is null)
            throw new ModelLoadException(ModelLoadException.ConfigError, $"Model config '{configPath}' not found (nor genai_config.json) in '{directory}'.");

        JsonElement? ours = cfg is { } c && c.TryGetProperty("llamaaspire", out var la) && la.ValueKind == JsonValueKind.Object ? la : null;
        JsonElement? decoder = genai is { } g && g.TryGetProperty("model", out var gm) && gm.TryGetProperty("decoder", out var dec) ? dec : null;
        JsonElement? genaiModel = genai is { } g2 && g2.TryGetProperty("model", out var gm2) ? gm2 : null;
        string source = cfg is not null ? configPath : genaiPath;

        int Req(string name, string? genaiName = null)
        {
            if (cfg is { } c1 && Int(c1, name) is int v) return v;
            if (genaiName is not null && decoder is { } d && Int(d, genaiName) is int v2) return v2;
            if (genaiName is not null && genaiModel is { } gmm && Int(gmm, genaiName) is int v3) return v3;
            throw new ModelLoadException(ModelLoadException.ConfigError, $"Model config '{source}': required field '{name}' is missing or not an integer.");
        }

        int hidden = Req("hidden_size", "hidden_size");
        int heads = Req("num_attention_heads", "num_attention_heads");
        int layers = Req("num_hidden_layers", "num_hidden_layers");
        int kvHeads = cfg is { } c2 && Int(c2, "num_key_value_heads") is int kv ? kv : decoder is { } d2 && Int(d2, "num_key_value_heads") is int kv2 ? kv2 : heads;
        int headDim = cfg is { } c3 && Int(c3, "head_dim") is int hd ? hd : decoder is { } d3 && Int(d3, "head_size") is int hd2 ? hd2 : hidden / heads;
        int vocab = Req("vocab_size", "vocab_size");
        int maxPos = cfg is { } c4 && Int(c4, "max_position_embeddings") is int mp ? mp : genaiModel is { } g4 && Int(g4, "context_length") is int cl ? cl : 131072;
        int bos = cfg is { } c5 && Int(c5, "bos_token_id") is int b ? b : genaiModel is { } g5 && Int(g5, "bos_token_id") is int b2 ? b2 : 128000;
        var eos = (cfg is { } c6 ? IntList(c6, "eos_token_id") : null) ?? (genaiModel is { } g6 ? IntList(g6, "eos_token_id") : null) ?? [128001, 128008, 128009];

        // KV-cache mode and length: ours says it; a GenAI export says past_present_share_buffer; otherwise a growing export.
        KvCacheMode mode;
        int context;
        if (ours is { } o && Str(o, "kv_cache") is string kvMode)
        {
            mode = kvMode.Equals("growing", StringComparison.OrdinalIgnoreCase) ? KvCacheMode.Growing : KvCacheMode.SharedBuffer;
            context = Int(o, "context_length") ?? maxPos;
        }
        else if (genai is { } g7 && g7.TryGetProperty("search", out var search) && search.TryGetProperty("past_present_share_buffer", out var share) && share.ValueKind == JsonValueKind.True)
        {
            mode = KvCacheMode.SharedBuffer;
            context = (genaiModel is { } g8 ? Int(g8, "context_length") : null) ?? maxPos;
        }
        else
        {
            mode = KvCacheMode.Growing;
            context = maxPos;
        }
        // Our models' graphs are built for context_length (a fixed KV dimension): taken as is. Exports say 128k positions:
        // the KV cache we allocate (shared-buffer) or allow (growing) is capped, by LLAMA_CONTEXT_LENGTH or 4096.
        if (ours is null || Str(ours.Value, "kv_cache") is null)
            context = Math.Min(context, contextCap ?? int.Parse(DefaultContextCap, System.Globalization.CultureInfo.InvariantCulture));
        if (context < 2)
            throw new ModelLoadException(ModelLoadException.ConfigError, $"Model config '{source}': context length {context} is too small.");

        string? modelFile = ours is { } o2 ? Str(o2, "model_file") : null;
        modelFile ??= decoder is { } d4 ? Str(d4, "filename") : null;
        string modelPath = modelFile is not null
            ? Path.Combine(directory, modelFile)
            : ModelCandidates.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists)
              ?? throw new ModelLoadException(ModelLoadException.ModelLoadError, $"No model file in '{directory}' (looked for {string.Join(", ", ModelCandidates)}).");
        if (!File.Exists(modelPath))
            throw new ModelLoadException(ModelLoadException.ModelLoadError, $"Model file '{modelPath}' named by '{source}' does not exist.");

        var partPaths = new List<string>();
        if (ours is { } o7 && o7.TryGetProperty("model_files", out var mf) && mf.ValueKind == JsonValueKind.Array && mf.GetArrayLength() > 1)
            foreach (var f in mf.EnumerateArray())
            {
                var part = f.ValueKind == JsonValueKind.String ? Path.Combine(directory, f.GetString()!)
                    : throw new ModelLoadException(ModelLoadException.ConfigError, $"Model config '{source}': model_files must be file names.");
                if (!File.Exists(part))
                    throw new ModelLoadException(ModelLoadException.ModelLoadError, $"Model file '{part}' named by '{source}' does not exist.");
                partPaths.Add(part);
            }

        string? tokFile = ours is { } o3 ? Str(o3, "tokenizer_file") : null;
        string tokenizerPath = tokFile is not null
            ? Path.Combine(directory, tokFile)
            : TokenizerCandidates.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists)
              ?? throw new ModelLoadException(ModelLoadException.TokenizerLoadError, $"No tokenizer in '{directory}' (looked for {string.Join(", ", TokenizerCandidates)}).");
        if (!File.Exists(tokenizerPath))
            throw new ModelLoadException(ModelLoadException.TokenizerLoadError, $"Tokenizer file '{tokenizerPath}' named by '{source}' does not exist.");

        return new ModelConfig
        {
            Directory = directory,
            ModelPath = modelPath,
            PartPaths = partPaths,
            Format = modelPath.EndsWith(".ort", StringComparison.OrdinalIgnoreCase) ? ModelFormat.Ort : ModelFormat.Onnx,
            TokenizerPath = tokenizerPath,
            HiddenSize = hidden,
            NumLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = vocab,
            MaxPositionEmbeddings = maxPos,
            BosTokenId = bos,
            EosTokenIds = eos,
            ContextLength = context,
            KvCache = mode,
            Preset = ours is { } o4 ? Str(o4, "preset") : null,
            Synthetic = ours is { } o5 && o5.TryGetProperty("synthetic", out var syn) && syn.ValueKind == JsonValueKind.True,
            RecordedOptimization = ours is { } o6 ? RecordedOptimizationOf(o6) : GraphOptimization.Default,
            RecommendedOptimization = SessionOptionsOf(ours, out var entries),
            SessionConfigEntries = entries,
            ConfigSource = source,
        };
    }

    /// <summary>Accepts the spellings a builder might record: "graph_optimization_level"/"optimization_level"/"optimized" (bool).</summary>
    static GraphOptimization RecordedOptimizationOf(JsonElement o)
    {
        foreach (var name in (string[])["graph_optimization_level", "optimization_level", "optimized_level", "optimization"])
            if (Str(o, name) is string s && FunctionOptions.ParseOptimization(s) is var level && level != GraphOptimization.Default)
                return level;
        if (o.TryGetProperty("optimized", out var opt))
        {
            if (opt.ValueKind == JsonValueKind.True) return GraphOptimization.All;
            if (opt.ValueKind == JsonValueKind.String && FunctionOptions.ParseOptimization(opt.GetString()) is var l2 && l2 != GraphOptimization.Default) return l2;
        }
        return GraphOptimization.Default;
    }

    static GraphOptimization SessionOptionsOf(JsonElement? ours, out Dictionary<string, string> entries)
    {
        entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ours is not { } o || !o.TryGetProperty("session_options", out var so) || so.ValueKind != JsonValueKind.Object)
            return GraphOptimization.Default;
        if (so.TryGetProperty("config_entries", out var ce) && ce.ValueKind == JsonValueKind.Object)
            foreach (var e in ce.EnumerateObject())
                if (e.Value.ValueKind == JsonValueKind.String) entries[e.Name] = e.Value.GetString()!;
        return FunctionOptions.ParseOptimization(Str(so, "graph_optimization_level"));
    }

    static JsonElement ReadJson(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelLoadException(ModelLoadException.ConfigError, $"Model config '{path}' is not a JSON object.");
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(ModelLoadException.ConfigError, $"Model config '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new ModelLoadException(ModelLoadException.ConfigError, $"Model config '{path}' could not be read: {ex.Message}", ex);
        }
    }

    static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static int[]? IntList(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var one)) return [one];
        if (v.ValueKind == JsonValueKind.Array)
            return [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetInt32())];
        return null;
    }
}
