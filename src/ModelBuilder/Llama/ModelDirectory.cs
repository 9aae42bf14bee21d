using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>A model directory read back from its config.json (Contract 1), and how to open its session.</summary>
internal sealed record ModelDirectory(
    string Path,
    LlamaDims Dims,
    string Preset,
    ulong Seed,
    string ModelFile,
    string TokenizerFile,
    string Format,
    bool Optimized,
    bool Prepacked,
    string? ExternalDataFile,
    string OptimizationLevel,
    IReadOnlyDictionary<string, string> ConfigEntries)
{
    public string ModelPath => System.IO.Path.Combine(Path, ModelFile);

    /// <summary>How many sessions (part files) the model is split into (--sessions); 1 for one model file.</summary>
    public int Sessions { get; init; } = 1;

    public static ModelDirectory Load(string dir)
    {
        var configPath = System.IO.Path.Combine(dir, ModelConfig.FileName);
        if (!File.Exists(configPath))
        {
            throw new BuildException($"{configPath} not found: not a model directory (build one with `build --out {dir}`).");
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
        var root = doc.RootElement;
        var la = root.GetProperty("llamaaspire");
        var so = la.GetProperty("session_options");
        var entries = so.GetProperty("config_entries").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        var dims = new LlamaDims(
            root.GetProperty("hidden_size").GetInt32(),
            root.GetProperty("num_hidden_layers").GetInt32(),
            root.GetProperty("num_attention_heads").GetInt32(),
            root.GetProperty("num_key_value_heads").GetInt32(),
            root.GetProperty("head_dim").GetInt32(),
            root.GetProperty("intermediate_size").GetInt32(),
            root.GetProperty("vocab_size").GetInt32(),
            la.GetProperty("context_length").GetInt32(),
            la.GetProperty("embedding").GetString() == "fp32" ? EmbeddingKind.Fp32 : EmbeddingKind.Int4,
            la.GetProperty("quantization").GetProperty("accuracy_level").GetInt32());
        var data = la.GetProperty("external_data_file");
        return new ModelDirectory(dir, dims, la.GetProperty("preset").GetString()!, la.GetProperty("seed").GetUInt64(),
            la.GetProperty("model_file").GetString()!, la.GetProperty("tokenizer_file").GetString()!, la.GetProperty("format").GetString()!,
            la.GetProperty("optimized").GetBoolean(), la.GetProperty("prepacked").GetBoolean(),
            data.ValueKind == JsonValueKind.String ? data.GetString() : null, so.GetProperty("graph_optimization_level").GetString()!, entries)
        {
            Sessions = la.TryGetProperty("model_files", out var parts) && parts.ValueKind == JsonValueKind.Array ? parts.GetArrayLength() : 1,
        };
    }

    /// <summary>SessionOptions as config.json tells the loader to set them.</summary>
    public SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = Enum.Parse<GraphOptimizationLevel>(OptimizationLevel),
        };
        foreach (var (k, v) in ConfigEntries)
        {
            options.AddSessionConfigEntry(k, v);
        }

        return options;
    }

    /// <summary>Opens the session the recorded way, runs an 8-token prompt and two decode steps, checks the logits.</summary>
    public (TimeSpan SessionCreate, TimeSpan Prefill, int[] Argmax, int DistinctPromptArgmax) Verify()
    {
        if (Sessions > 1)
        {
            throw new BuildException($"{Path} is split into {Sessions} session parts; verify runs single-file models (the inference function loads and chains the parts).");
        }

        using var options = CreateSessionOptions();
        var sw = Stopwatch.StartNew();
        using var runner = new ModelRunner(ModelPath, Dims, options);
        var create = sw.Elapsed;
        long[] prompt = [128000, 9906, 11, 1917, 0, 358, 1097, 264];
        sw.Restart();
        var logits = runner.Forward(prompt);
        var prefill = sw.Elapsed;
        var promptArgmax = new HashSet<int>();
        for (var p = 0; p < prompt.Length; p++)
        {
            var row = logits.AsSpan(p * Dims.VocabSize, Dims.VocabSize);
            var best = 0;
            for (var v = 1; v < row.Length; v++)
            {
                best = row[v] > row[best] ? v : best;
            }

            promptArgmax.Add(best);
        }

        var argmax = new List<int>();
        var last = logits.AsSpan((prompt.Length - 1) * Dims.VocabSize, Dims.VocabSize);
        for (var step = 0; step < 3; step++)
        {
            var best = 0;
            for (var v = 0; v < last.Length; v++)
            {
                if (!float.IsFinite(last[v]))
                {
                    throw new BuildException($"{ModelPath}: non-finite logit at vocab id {v}.");
                }

                if (last[v] > last[best])
                {
                    best = v;
                }
            }

            argmax.Add(best);
            if (step < 2)
            {
                last = runner.Forward([best]);
            }
        }

        return (create, prefill, argmax.ToArray(), promptArgmax.Count);
    }
}
