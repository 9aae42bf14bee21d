using System.Diagnostics;
using LlamaAspire.LlamaModel;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>
/// A directory this builder wrote, read back through the shared reader (<see cref="ModelDirectory"/>), with what the
/// builder needs on top: its dimensions as a <see cref="LlamaDims"/>, preset and seed, and how to open and verify its session.
/// </summary>
internal sealed record BuiltModel(ModelConfig Config, LlamaDims Dims, string Preset, ulong Seed)
{
    public string Path => Config.Directory;

    public string ModelPath => Config.ModelPath;

    public string ModelFile => System.IO.Path.GetFileName(ModelPath);

    public ModelFormat Format => Config.Format;

    public bool Optimized => Config.Optimized;

    public bool Prepacked => Config.Prepacked;

    /// <summary>The external data file's name (null: weights inline).</summary>
    public string? ExternalDataFile => Config.ExternalDataPath is { } data ? System.IO.Path.GetFileName(data) : null;

    /// <summary>session_options.graph_optimization_level as recorded.</summary>
    public GraphOptimization OptimizationLevel => Config.RecommendedOptimization;

    public IReadOnlyDictionary<string, string> ConfigEntries => Config.SessionConfigEntries;

    /// <summary>How many sessions (part files) the model is split into (--sessions); 1 for one model file.</summary>
    public int Sessions => Math.Max(1, Config.PartPaths.Count);

    /// <summary>The text of <see cref="VerifyPrompt"/>.</summary>
    public const string VerifyPromptText = "Hello, world! I am a";

    /// <summary>
    /// What `verify` runs: &lt;|begin_of_text|&gt; + <see cref="VerifyPromptText"/> in cl100k ranks, fixed so verify needs no
    /// tokenizer (a test checks they are what the shared tokenizer makes of the text).
    /// </summary>
    public static readonly long[] VerifyPrompt = [Llama3SpecialTokens.BeginOfText, 9906, 11, 1917, 0, 358, 1097, 264];

    /// <summary>Reads <paramref name="dir"/>; a directory the builder did not write (or cannot be read) is a <see cref="BuildException"/>.</summary>
    public static BuiltModel Load(string dir)
    {
        ModelConfig config;
        try
        {
            config = ModelDirectory.Load(dir);
        }
        catch (ModelLoadException e)
        {
            throw new BuildException($"{e.Message} Not a model directory (build one with `build --out {dir}`).", e);
        }

        string NotBuiltHere(string field) =>
            $"{config.ConfigSource} has no llamaaspire.{field}: not a directory written by llama-model-builder (build one with `build --out {dir}`).";

        var dims = new LlamaDims(
            config.HiddenSize,
            config.NumLayers,
            config.NumAttentionHeads,
            config.NumKeyValueHeads,
            config.HeadDim,
            config.IntermediateSize,
            config.VocabSize,
            config.ContextLength,
            config.Embedding == "fp32" ? EmbeddingKind.Fp32 : EmbeddingKind.Int4,
            config.QuantizationAccuracyLevel ?? throw new BuildException(NotBuiltHere("quantization.accuracy_level")),
            config.LastPositionLogits);
        return new BuiltModel(
            config,
            dims,
            config.Preset ?? throw new BuildException(NotBuiltHere("preset")),
            config.Seed ?? throw new BuildException(NotBuiltHere("seed")));
    }

    /// <summary><see cref="OptimizationLevel"/> as ONNX Runtime spells it (what the builder wrote).</summary>
    public GraphOptimizationLevel OrtOptimizationLevel => OptimizationLevel switch
    {
        GraphOptimization.DisableAll => GraphOptimizationLevel.ORT_DISABLE_ALL,
        GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    /// <summary>SessionOptions as config.json tells the loader to set them.</summary>
    public SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = OrtOptimizationLevel };
        foreach (var (k, v) in ConfigEntries)
        {
            options.AddSessionConfigEntry(k, v);
        }

        return options;
    }
    /// <summary>Opens the session the recorded way, runs an 8-token prompt and two decode steps, checks the logits.</summary>
    public (TimeSpan SessionCreate, TimeSpan Prefill, int[] Argmax, int DistinctPromptArgmax, int LogitPositions) Verify()
    {
        if (Sessions > 1)
        {
            throw new BuildException($"{Path} is split into {Sessions} session parts; verify runs single-file models (the inference function loads and chains the parts).");
        }

        using var options = CreateSessionOptions();
        var sw = Stopwatch.StartNew();
        using var runner = new ModelRunner(ModelPath, Dims, options);
        var create = sw.Elapsed;
        var prompt = VerifyPrompt;
        sw.Restart();
        var logits = runner.Forward(prompt);
        var prefill = sw.Elapsed;
        var promptArgmax = new HashSet<int>();
        var positions = logits.Length / Dims.VocabSize; // 1 for a last-position-logits model
        for (var p = 0; p < positions; p++)
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
        var last = logits.AsSpan((positions - 1) * Dims.VocabSize, Dims.VocabSize);
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

        return (create, prefill, argmax.ToArray(), promptArgmax.Count, positions);
    }
}
