using LlamaAspire.LlamaModel;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.InferenceFunction.Inference;

/// <summary>What session creation did, for the weight-load span.</summary>
public sealed record WeightLoadInfo(
    string ModelPath, ModelFormat Format, long BytesOnDisk, long BytesMapped, long BytesRead,
    GraphOptimizationLevel Optimization, int IntraOpThreads, bool MemoryMapped, string? Fallback);

/// <summary>Session options from <see cref="FunctionOptions"/> and the model config, and session creation.</summary>
public static class SessionFactory
{
    // ONNX Runtime session config keys (onnxruntime_session_options_config_keys.h).
    public const string IntraOpAllowSpinning = "session.intra_op.allow_spinning";
    public const string InterOpAllowSpinning = "session.inter_op.allow_spinning";
    public const string LoadModelFormat = "session.load_model_format";
    public const string UseOrtModelBytesDirectly = "session.use_ort_model_bytes_directly";
    public const string UseOrtModelBytesForInitializers = "session.use_ort_model_bytes_for_initializers";
    public const string UseMemoryMappedOrtModel = "session.use_memory_mapped_ort_model";
    public const string EnableParallelPrepack = "session.prepack.enable_parallel";

    /// <summary>
    /// How many bytes of <paramref name="path"/> the process has mapped right now (/proc/self/maps), so the weight-load span
    /// says what ORT really did rather than what was asked. Null where /proc is not there.
    /// </summary>
    public static long? MappedBytes(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            long total = 0;
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                if (!line.EndsWith(full, StringComparison.Ordinal))
                {
                    continue;
                }

                int dash = line.IndexOf('-'), space = line.IndexOf(' ');
                if (dash <= 0 || space <= dash)
                {
                    continue;
                }

                total += Convert.ToInt64(line[(dash + 1)..space], 16) - Convert.ToInt64(line[..dash], 16);
            }
            return total;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public static GraphOptimizationLevel ChooseOptimization(FunctionOptions options, ModelConfig config)
    {
        var level = options.GraphOptimization != GraphOptimization.Default ? options.GraphOptimization
            : config.RecommendedOptimization != GraphOptimization.Default ? config.RecommendedOptimization
            : config.RecordedOptimization switch
        {
            // Already optimised offline at EXTENDED/ALL: only the cheap BASIC pass (constant folding etc.) is left; ORT format
            // models were saved post-optimisation, so nothing is left at all.
            GraphOptimization.All or GraphOptimization.Extended => config.Format == ModelFormat.Ort ? GraphOptimization.DisableAll : GraphOptimization.Basic,
            GraphOptimization.Basic => GraphOptimization.Basic,
            GraphOptimization.DisableAll => GraphOptimization.All,  // recorded "not optimised": do it now
            _ => config.Format == ModelFormat.Ort ? GraphOptimization.Basic : GraphOptimization.All,
        };
        return level switch
        {
            GraphOptimization.DisableAll => GraphOptimizationLevel.ORT_DISABLE_ALL,
            GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
            GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
    }

    public static SessionOptions CreateOptions(FunctionOptions options, ModelConfig config, bool memoryMapOrt)
    {
        var so = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = ChooseOptimization(options, config),
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        foreach (var (key, value) in ConfigEntries(options, config, memoryMapOrt))
        {
            so.AddSessionConfigEntry(key, value);
        }

        return so;
    }

    /// <summary>The session config entries <see cref="CreateOptions"/> sets: ours, then what the model builder says the model needs.</summary>
    public static IReadOnlyDictionary<string, string> ConfigEntries(FunctionOptions options, ModelConfig config, bool memoryMapOrt)
    {
        // Lambda bills every spinning cycle and the next request may be seconds away: block, don't spin.
        var entries = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [IntraOpAllowSpinning] = "0",
            [InterOpAllowSpinning] = "0",
        };
        if (options.ParallelPrepack && options.IntraOpThreads > 1)
        {
            // Packing MatMulNBits weights is most of session creation, and ORT packs node after node unless told: with the
            // intra-op pool it runs on every vCPU the memory size gives, while the cold start waits for it.
            entries[EnableParallelPrepack] = "1";
        }

        foreach (var (key, value) in config.SessionConfigEntries)
        {
            entries[key] = value; // what the model builder says the model needs
        }

        if (config.Format == ModelFormat.Ort)
        {
            entries[LoadModelFormat] = "ORT";
            entries[UseOrtModelBytesDirectly] = "1";
            entries[UseOrtModelBytesForInitializers] = "1";
            if (memoryMapOrt)
            {
                entries[UseMemoryMappedOrtModel] = "1";
            }
        }
        if (!memoryMapOrt)
        {
            entries.Remove(UseMemoryMappedOrtModel);
        }

        return entries;
    }

    /// <summary>
    /// A model split into sessions (config.PartPaths): creates every part at once, one thread each. Session creation is
    /// dominated by MatMulNBits pre-packing, which ORT does serially inside a session (about 1.6–2 s for llama-3.2-1b on one
    /// core), so N parts on N cores cut it about N-fold. Each part's external data is memory-mapped as usual.
    /// </summary>
    public static InferenceSession[] CreateParts(FunctionOptions options, ModelConfig config, out WeightLoadInfo info)
    {
        var paths = config.PartPaths;
        var sessions = new InferenceSession?[paths.Count];
        var errors = new Exception?[paths.Count];
        var threads = new Thread[paths.Count];
        for (int p = 0; p < paths.Count; p++)
        {
            int part = p;
            threads[p] = new Thread(() =>
            {
                try
                {
                    using var so = CreateOptions(options, config, memoryMapOrt: false);
                    sessions[part] = new InferenceSession(paths[part], so);
                }
                catch (Exception ex)
                {
                    errors[part] = ex;
                }
            }, maxStackSize: 4 << 20) { IsBackground = true, Name = $"session-part-{p}" };
            threads[p].Start();
        }
        foreach (var t in threads)
        {
            t.Join();
        }

        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            foreach (var s in sessions)
            {
                s?.Dispose();
            }

            throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}' could not be loaded: {error.Message}", error);
        }

        long onDisk = 0, mapped = 0;
        foreach (var path in paths)
        {
            long model = new FileInfo(path).Length, data = File.Exists(path + ".data") ? new FileInfo(path + ".data").Length : 0;
            onDisk += model + data;
            if (data > 0)
            {
                mapped += Math.Min(MappedBytes(path + ".data") ?? data, data);
            }
        }
        info = new WeightLoadInfo(config.ModelPath, config.Format, onDisk, mapped, onDisk - mapped, ChooseOptimization(options, config), options.IntraOpThreads, mapped > 0, null);
        return [.. sessions.Select(s => s!)];
    }

    /// <summary>
    /// Saved pre-packs are used as they are, without a check by ONNX Runtime: packs made for another CPU's kernels or another
    /// ONNX Runtime version would compute wrong results. Refused here, saying what differs and what to do.
    /// </summary>
    public static void EnsurePrepacksFit(ModelConfig config)
    {
        if (config.Prepacked && config.PrepackedFor is { } packedFor && PrepackTarget.Current(OrtEnv.Instance().GetVersionString()) is { } here
            && packedFor.MismatchWith(here) is { } why)
        {
            throw new ModelLoadException(ModelLoadFailure.Model,
                $"Model '{config.ModelPath}' holds pre-packed weights that cannot be used here: {why}. Rebuild the model on this machine, or build it without --prepack (it then loads on any CPU).");
        }
    }

    /// <summary>
    /// Creates the session. ORT format: ORT maps the file itself (session.use_memory_mapped_ort_model, ORT ≥ 1.27; 1.31 has it)
    /// with initializers pointing into the mapping. If that fails we fall back to reading the file into a pinned array that
    /// lives as long as the session (use_ort_model_bytes_directly requires that).
    /// </summary>
    public static InferenceSession Create(FunctionOptions options, ModelConfig config, out WeightLoadInfo info, out byte[]? pinnedModelBytes)
    {
        EnsurePrepacksFit(config);
        pinnedModelBytes = null;
        long onDisk = new FileInfo(config.ModelPath).Length;
        string external = config.ModelPath + ".data";
        long externalBytes = File.Exists(external) ? new FileInfo(external).Length : 0;
        string? fallback = null;

        if (config.Format == ModelFormat.Ort && options.MemoryMapOrt)
        {
            using var so = CreateOptions(options, config, memoryMapOrt: true);
            try
            {
                var session = new InferenceSession(config.ModelPath, so);
                long mapped = Math.Min(MappedBytes(config.ModelPath) ?? onDisk, onDisk); // mappings are whole pages
                info = new WeightLoadInfo(config.ModelPath, config.Format, onDisk, mapped, onDisk - Math.Min(mapped, onDisk), so.GraphOptimizationLevel, options.IntraOpThreads, mapped > 0,
                    mapped > 0 ? null : "ORT did not keep the .ort file mapped");
                return session;
            }
            catch (OnnxRuntimeException ex)
            {
                fallback = $"memory-mapped load failed ({ex.Message}); read into a pinned buffer";
            }
        }

        using (var so = CreateOptions(options, config, memoryMapOrt: false))
        {
            try
            {
                InferenceSession session;
                if (config.Format == ModelFormat.Ort)
                {
                    pinnedModelBytes = GC.AllocateUninitializedArray<byte>(checked((int)onDisk), pinned: true);
                    using (var fs = new FileStream(config.ModelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
                    {
                        fs.ReadExactly(pinnedModelBytes);
                    }

                    session = new InferenceSession(pinnedModelBytes, so);
                    info = new WeightLoadInfo(config.ModelPath, config.Format, onDisk, 0, onDisk, so.GraphOptimizationLevel, options.IntraOpThreads, false, fallback);
                }
                else
                {
                    // .onnx: the protobuf is parsed (read); external data, when present, is memory-mapped by ORT on CPU.
                    session = new InferenceSession(config.ModelPath, so);
                    long mapped = externalBytes > 0 ? Math.Min(MappedBytes(external) ?? externalBytes, externalBytes) : 0;
                    info = new WeightLoadInfo(config.ModelPath, config.Format, onDisk + externalBytes, mapped, onDisk + externalBytes - mapped, so.GraphOptimizationLevel, options.IntraOpThreads, mapped > 0, fallback);
                }
                return session;
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or IOException or UnauthorizedAccessException or OverflowException)
            {
                throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}' could not be loaded: {ex.Message}", ex);
            }
        }
    }
}
