using LlamaAspire.LlamaModel;
using LlamaAspire.ModelBuilder.Onnx;
using LlamaAspire.ModelBuilder.Tokenizer;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.ModelBuilder.Llama;

internal sealed record BuildRequest(
    string Preset,
    LlamaDims Dims,
    ulong Seed,
    string OutDir,
    ModelFormat Format = ModelFormat.Onnx,
    bool Optimize = false,
    bool Prepack = false,
    bool ForceExternalData = false,
    int Sessions = 1);

internal sealed record BuildResult(ModelVariant Variant, IReadOnlyList<string> Files, long TotalBytes, TimeSpan Elapsed);

/// <summary>A user-facing build failure: the CLI prints the message alone and exits 2.</summary>
internal sealed class BuildException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Progress callbacks: a phase starts with a byte total, then bytes advance.</summary>
internal interface IBuildProgress
{
    void Phase(string name, long totalBytes);

    void Advance(long bytes);
}

internal static class ModelBuild
{
    /// <summary>
    /// The largest model written in ORT format. The FlatBuffer's own limit is 2 GiB, but ONNX Runtime 1.32 crashes (SIGSEGV)
    /// converting a 2.01 GB model (llama-3.2-3b with the int4 embedding) while 1.82 GB (llama-3.2-1b) converts: refused above
    /// 1.9 GB, with the way out, rather than a crash.
    /// </summary>
    public const long OrtFormatLimit = 1_900_000_000;

    /// <summary>Above this an optimised .onnx gets external data (protobuf's limit is 2 GiB; ORT's rewrite adds to the graph).</summary>
    public const long OptimizedInlineLimit = 1_900_000_000;

    private static readonly string[] OwnedFiles =
    [
        ModelDirectoryLayout.OnnxModelFile, ModelDirectoryLayout.ExternalDataFileOf(ModelDirectoryLayout.OnnxModelFile), ModelDirectoryLayout.OrtModelFile,
        ModelDirectoryLayout.ConfigFile, ModelDirectoryLayout.GenAiConfigFile, .. TokenizerWriter.Files,
    ];

    public static BuildResult Run(BuildRequest r, IBuildProgress progress)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (r.Dims.Validate() is { } invalid)
        {
            throw new BuildException(invalid);
        }

        if (r.Sessions > 1 && (r.Format != ModelFormat.Onnx || r.Optimize || r.Prepack))
        {
            throw new BuildException("--sessions applies to plain --format onnx (no --optimize/--prepack): each part is written with its own external data.");
        }

        if (r.Sessions < 1 || r.Sessions > r.Dims.Layers)
        {
            throw new BuildException($"--sessions must be between 1 and the number of layers ({r.Dims.Layers}).");
        }

        var outDir = Path.GetFullPath(r.OutDir);
        if (r.Sessions > 1)
        {
            return RunSplit(r, outDir, progress, started);
        }

        var graph = LlamaGraphBuilder.Build(r.Dims, r.Seed);
        var metadata = new Dictionary<string, string>
        {
            ["llamaaspire.preset"] = r.Preset,
            ["llamaaspire.seed"] = r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["llamaaspire.context_length"] = r.Dims.ContextLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var inlineSize = OnnxModelWriter.EstimateInlineSize(graph, metadata);
        if (r.Format == ModelFormat.Ort && inlineSize > OrtFormatLimit)
        {
            throw new BuildException($"ORT format is a FlatBuffer limited to 2 GB (ONNX Runtime converts up to about {OrtFormatLimit / 1e9:F1} GB); this model needs {inlineSize / 1e9:F2} GB. Use --format onnx (with external data).");
        }

        PrepareDirectory(outDir); // only after every refusal: a refused build leaves the directory as it was
        // ONNX Runtime's optimised .onnx can be larger than its source: it failed to write the 2.01 GB 3B model inline.
        var external = r.ForceExternalData || r.Prepack || inlineSize > (r.Optimize ? OptimizedInlineLimit : OnnxModelWriter.ProtobufLimit);
        var variant = new ModelVariant(r.Format, r.Optimize, r.Prepack, external && r.Format == ModelFormat.Onnx);
        var converting = r.Format == ModelFormat.Ort || r.Optimize || r.Prepack;
        var staging = converting ? Directory.CreateTempSubdirectory("llama-build-").FullName : outDir;
        try
        {
            var basePath = Path.Combine(staging, "model.onnx");
            progress.Phase("weights", graph.InitializerBytes);
            // Staged for ORT format with external data: ORT maps it instead of parsing a GB protobuf (1B peak RSS 5.4 → 4.6 GB).
            // Not for an inline optimised .onnx: ORT would keep pointing at the staging file's external data.
            OnnxModelWriter.Write(graph, basePath, external || r.Format == ModelFormat.Ort, metadata, progress.Advance);
            if (converting)
            {
                progress.Phase(r.Format == ModelFormat.Ort ? "convert to ORT format" : "optimise", 0);
                Convert(basePath, Path.Combine(outDir, variant.ModelFile), variant);
            }
        }
        finally
        {
            if (converting)
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        progress.Phase("tokenizer", 0);
        TokenizerWriter.WriteInto(outDir);
        File.WriteAllBytes(Path.Combine(outDir, ModelDirectoryLayout.GenAiConfigFile), GenAiConfigWriter.Serialize(r.Dims, variant));
        var configTemp = Path.Combine(outDir, ModelDirectoryLayout.ConfigFile + ".tmp");
        var prepackedFor = r.Prepack ? PrepackTarget.Current(OrtEnv.Instance().GetVersionString()) : null;
        File.WriteAllBytes(configTemp, ModelConfigWriter.Serialize(r.Dims, r.Preset, r.Seed, variant, prepackedFor));
        File.Move(configTemp, Path.Combine(outDir, ModelDirectoryLayout.ConfigFile), overwrite: true); // written last: marks the directory complete

        if (converting)
        {
            // What ONNX Runtime wrote (and saved pre-packs, which are ISA- and version-specific) must load and compute here.
            progress.Phase("verify", 0);
            BuiltModel.Load(outDir).Verify();
        }

        var files = OwnedFiles.Where(f => File.Exists(Path.Combine(outDir, f))).ToList();
        var total = files.Sum(f => new FileInfo(Path.Combine(outDir, f)).Length);
        return new BuildResult(variant, files, total, started.Elapsed);
    }

    /// <summary>--sessions N: N part graphs, each with page-aligned external data (mmapped by ORT), loaded as N parallel sessions.</summary>
    private static BuildResult RunSplit(BuildRequest r, string outDir, IBuildProgress progress, System.Diagnostics.Stopwatch started)
    {
        var metadata = new Dictionary<string, string>
        {
            ["llamaaspire.preset"] = r.Preset,
            ["llamaaspire.seed"] = r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["llamaaspire.context_length"] = r.Dims.ContextLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        PrepareDirectory(outDir);
        var variant = new ModelVariant(ModelFormat.Onnx, Optimized: false, Prepacked: false, ExternalData: true, r.Sessions);
        var ranges = LlamaGraphBuilder.SplitLayers(r.Dims, r.Sessions);
        for (var p = 0; p < ranges.Length; p++)
        {
            var graph = LlamaGraphBuilder.Build(r.Dims, r.Seed, ranges[p].First, ranges[p].End);
            progress.Phase($"weights (part {p}: layers {ranges[p].First}–{ranges[p].End - 1})", graph.InitializerBytes);
            OnnxModelWriter.Write(graph, Path.Combine(outDir, variant.ModelFiles[p]), external: true, metadata, progress.Advance);
        }

        progress.Phase("tokenizer", 0);
        TokenizerWriter.WriteInto(outDir);
        var configTemp = Path.Combine(outDir, ModelDirectoryLayout.ConfigFile + ".tmp");
        File.WriteAllBytes(configTemp, ModelConfigWriter.Serialize(r.Dims, r.Preset, r.Seed, variant));
        File.Move(configTemp, Path.Combine(outDir, ModelDirectoryLayout.ConfigFile), overwrite: true);
        var files = variant.ModelFiles.SelectMany(f => new[] { f, ModelDirectoryLayout.ExternalDataFileOf(f) }).Concat(TokenizerWriter.Files).Append(ModelDirectoryLayout.ConfigFile)
            .Where(f => File.Exists(Path.Combine(outDir, f))).ToList();
        return new BuildResult(variant, files, files.Sum(f => new FileInfo(Path.Combine(outDir, f)).Length), started.Elapsed);
    }

    /// <summary>True when <paramref name="dir"/> holds config.json, its model file (and external data) and the tokenizer.</summary>
    public static bool IsComplete(string dir)
    {
        var config = Path.Combine(dir, ModelDirectoryLayout.ConfigFile);
        if (!File.Exists(config))
        {
            return false;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(config));
            if (!doc.RootElement.TryGetProperty("llamaaspire", out var la))
            {
                return false;
            }

            string? Get(string name) => la.TryGetProperty(name, out var p) && p.ValueKind == System.Text.Json.JsonValueKind.String ? p.GetString() : null;
            var model = Get("model_file");
            var tokenizer = Get("tokenizer_file");
            var data = Get("external_data_file");
            var parts = la.TryGetProperty("model_files", out var mf) && mf.ValueKind == System.Text.Json.JsonValueKind.Array
                ? mf.EnumerateArray().Select(e => e.GetString()).ToList() : [];
            return model is not null && tokenizer is not null
                && File.Exists(Path.Combine(dir, model)) && File.Exists(Path.Combine(dir, tokenizer))
                && File.Exists(Path.Combine(dir, ModelDirectoryLayout.CompiledTokenizerFile)) // directories built before it existed are rebuilt
                && parts.All(f => f is not null && File.Exists(Path.Combine(dir, f)) && File.Exists(Path.Combine(dir, ModelDirectoryLayout.ExternalDataFileOf(f))))
                && (data is null || File.Exists(Path.Combine(dir, data)));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static void PrepareDirectory(string outDir)
    {
        try
        {
            Directory.CreateDirectory(outDir);
            foreach (var f in OwnedFiles.Concat(Directory.EnumerateFiles(outDir, "model.part*.onnx*").Select(Path.GetFileName)))
            {
                File.Delete(Path.Combine(outDir, f!)); // never mix files from another variant
            }

            var probe = Path.Combine(outDir, ".write-test");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BuildException($"Cannot write to output directory {outDir}: {e.Message}");
        }
    }

    /// <summary>Lets ONNX Runtime write the optimised model: ORT format, or .onnx (optionally with pre-packed weights).</summary>
    private static void Convert(string source, string target, ModelVariant v)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = target };
        if (v.Format == ModelFormat.Ort)
        {
            options.AddSessionConfigEntry("session.save_model_format", "ORT");
        }
        else if (v.ExternalData)
        {
            options.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", v.ExternalDataFile!);
            options.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            if (v.Prepacked)
            {
                options.AddSessionConfigEntry("session.save_external_prepacked_constant_initializers", "1");
            }
        }

        using var session = new InferenceSession(source, options);
        if (!File.Exists(target))
        {
            throw new BuildException($"ONNX Runtime did not write {target}.");
        }
    }
}
