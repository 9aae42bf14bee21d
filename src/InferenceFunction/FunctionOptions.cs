using LlamaAspire.LambdaContracts;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction;

/// <summary>Every environment variable the function reads, in one place.</summary>
public static class EnvVars
{
    // Ours.
    public const string ModelDir = "MODEL_DIR";
    public const string ContextLength = "LLAMA_CONTEXT_LENGTH";          // cap for the KV cache length (growing-mode exports)
    public const string IntraOpThreads = "LLAMA_INTRA_OP_THREADS";       // explicit override, wins over everything
    public const string GraphOptimization = "LLAMA_GRAPH_OPTIMIZATION";  // disable_all|basic|extended|all (default: from config.json)
    public const string MemoryMapOrt = "LLAMA_ORT_MMAP";                 // 1 (default) / 0: mmap .ort files
    public const string ParallelPrepack = "LLAMA_PARALLEL_PREPACK";      // 1 (default) / 0: pack weights on all intra-op threads at load
    public const string TelemetryWarmUp = "LLAMA_TELEMETRY_WARMUP";      // 1 (default) / 0: pay the OTel SDK's first measurement during init
    public const string Warmup = "LLAMA_WARMUP";                         // 1 / 0 (default): one-token warm-up run at init
    public const string MaxRequestBytes = "LLAMA_MAX_REQUEST_BYTES";     // default LambdaLimits.MaxSyncRequestBytes
    public const string DefaultMaxTokens = "LLAMA_DEFAULT_MAX_TOKENS";   // default 128
    public const string StreamChunkTokens = "LLAMA_STREAM_CHUNK_TOKENS"; // tokens per SSE event (default 1)
    public const string ModelS3Uri = LlamaModel.Storage.S3ModelStore.ModelUriVariable; // s3://bucket/prefix/: downloaded to ModelDir at init
    public const string ModelId = "LLAMA_MODEL_ID";                      // the model's name in OpenAI answers (default: preset or directory name)
    public const string DeadlineMarginMs = "LLAMA_DEADLINE_MARGIN_MS";   // stop generating this long before the deadline (default 300)

    // Lambda's (their names live in the contracts library) and OpenTelemetry's.
    public const string SpawnTimeTicks = LambdaEnvironmentVariables.SpawnTimeTicks;
    public const string OmpNumThreads = "OMP_NUM_THREADS";
    public const string FunctionMemorySize = LambdaEnvironmentVariables.FunctionMemorySize;
    public const string FunctionName = LambdaEnvironmentVariables.FunctionName;
    public const string FunctionVersion = LambdaEnvironmentVariables.FunctionVersion;
    public const string LogStreamName = LambdaEnvironmentVariables.LogStreamName;
    public const string Region = LambdaEnvironmentVariables.Region;
    public const string DefaultRegion = LambdaEnvironmentVariables.DefaultRegion;
    public const string TraceParent = LambdaEnvironmentVariables.TraceParent;
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string OtelServiceName = "OTEL_SERVICE_NAME";
    public const string OtelResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
}

/// <summary>The function's configuration, read once from the environment at init.</summary>
public sealed record FunctionOptions
{

    public required string ModelDirectory { get; init; }
    /// <summary>Where init downloads the model from (then into <see cref="ModelDirectory"/>, default <c>/tmp/model</c>); null: it is on disk.</summary>
    public string? ModelS3Uri { get; init; }
    public int? ContextLengthCap { get; init; }
    public int IntraOpThreads { get; init; } = 1;
    public string IntraOpThreadsSource { get; init; } = "default";
    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.Default;
    public bool MemoryMapOrt { get; init; } = true;
    /// <summary>Session creation packs weights on every intra-op thread (ONNX Runtime ≥ 1.32) rather than on one.</summary>
    public bool ParallelPrepack { get; init; } = true;
    public bool Warmup { get; init; }
    public int MaxRequestBytes { get; init; } = 6 * 1024 * 1024;
    public int DefaultMaxTokens { get; init; } = 128;
    public int StreamChunkTokens { get; init; } = 1;
    /// <summary>Generation stops this long before the invoke's deadline so the partial answer (finish_reason "timeout") still gets out.</summary>
    public TimeSpan DeadlineMargin { get; init; } = TimeSpan.FromMilliseconds(300);
    public string FunctionName { get; init; } = "inference";

    public static FunctionOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    public static FunctionOptions FromEnvironment(Func<string, string?> env)
    {
        var s3Uri = env(EnvVars.ModelS3Uri) is { Length: > 0 } uri ? uri : null;
        var modelDir = env(EnvVars.ModelDir);
        if (string.IsNullOrWhiteSpace(modelDir))
        {
            // Downloaded models go where Lambda lets a function write: /tmp (ephemeral storage).
            modelDir = s3Uri is null ? Path.Combine(AppContext.BaseDirectory, "model") : Path.Combine(Path.GetTempPath(), "model");
        }

        var (threads, source) = ComputeIntraOpThreads(env, Environment.ProcessorCount);
        return new FunctionOptions
        {
            ModelDirectory = Path.GetFullPath(modelDir),
            ModelS3Uri = s3Uri,
            ContextLengthCap = PositiveInt(env, EnvVars.ContextLength),
            IntraOpThreads = threads,
            IntraOpThreadsSource = source,
            GraphOptimization = GraphOptimizationNames.Parse(env(EnvVars.GraphOptimization)),
            MemoryMapOrt = Flag(env, EnvVars.MemoryMapOrt, true),
            ParallelPrepack = Flag(env, EnvVars.ParallelPrepack, true),
            Warmup = Flag(env, EnvVars.Warmup, false),
            MaxRequestBytes = PositiveInt(env, EnvVars.MaxRequestBytes) ?? 6 * 1024 * 1024,
            DefaultMaxTokens = PositiveInt(env, EnvVars.DefaultMaxTokens) ?? 128,
            StreamChunkTokens = PositiveInt(env, EnvVars.StreamChunkTokens) ?? 1,
            DeadlineMargin = TimeSpan.FromMilliseconds(int.TryParse(env(EnvVars.DeadlineMarginMs), out var margin) && margin >= 0 ? margin : 300),
            FunctionName = env(EnvVars.FunctionName) is { Length: > 0 } name ? name : "inference",
        };
    }

    /// <summary>
    /// Lambda gives one vCPU per 1,769 MB (at most 6); never more threads than cores present.
    /// OMP_NUM_THREADS (or our own override) wins when set.
    /// </summary>
    public static (int Threads, string Source) ComputeIntraOpThreads(Func<string, string?> env, int processorCount)
    {
        if (PositiveInt(env, EnvVars.IntraOpThreads) is int explicitThreads)
        {
            return (explicitThreads, EnvVars.IntraOpThreads);
        }

        if (PositiveInt(env, EnvVars.OmpNumThreads) is int omp)
        {
            return (omp, EnvVars.OmpNumThreads);
        }

        if (PositiveInt(env, EnvVars.FunctionMemorySize) is int mb)
        {
            int vcpus = Math.Clamp((int)Math.Ceiling(LambdaLimits.VcpusFor(mb)), 1, LambdaLimits.MaxVcpus);
            return (Math.Max(1, Math.Min(vcpus, processorCount)), EnvVars.FunctionMemorySize);
        }
        return (Math.Max(1, Math.Min(LambdaLimits.MaxVcpus, processorCount)), "processor count");
    }

    static int? PositiveInt(Func<string, string?> env, string name) =>
        int.TryParse(env(name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;

    static bool Flag(Func<string, string?> env, string name, bool fallback) => env(name)?.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => fallback,
    };
}
