namespace LlamaAspire.LambdaContracts.Telemetry;

/// <summary>The inference function's spans and metrics: <c>function.init</c> and its phases on a cold start, then per invoke
/// a server span with <c>prefill</c> and <c>decode</c>. LoadGen's init breakdown reads these names.</summary>
public static class FunctionTelemetryNames
{
    /// <summary>ActivitySource and Meter name of the function.</summary>
    public const string SourceName = "LlamaAspire.InferenceFunction";

    /// <summary>Process start → ready for the first <c>/next</c>; parent of the phases.</summary>
    public const string InitSpan = "function.init";

    /// <summary>Process start → first line of Main (the .NET or AOT runtime's own start).</summary>
    public const string RuntimeInitSpan = "runtime init";

    /// <summary>Creating the OpenTelemetry providers.</summary>
    public const string TelemetrySetupSpan = "telemetry setup";

    /// <summary>Loading libonnxruntime and creating the ORT environment.</summary>
    public const string NativeImportSpan = "native import";

    /// <summary>Init phase: the model copied from S3 to <c>/tmp</c> before it loads (only when the function is told to).</summary>
    public const string ModelDownloadSpan = "model download";

    /// <summary>Creating the inference session(s): mapping or reading weights and ORT's pre-packing.</summary>
    public const string WeightLoadSpan = "weight load";

    /// <summary>Loading the tokenizer.</summary>
    public const string TokenizerLoadSpan = "tokenizer load";

    /// <summary>An optional warm-up forward pass.</summary>
    public const string WarmupSpan = "warm-up";

    /// <summary>The prompt's forward pass.</summary>
    public const string PrefillSpan = "prefill";

    /// <summary>The token-by-token generation.</summary>
    public const string DecodeSpan = "decode";

    /// <summary>The init phases in the order LoadGen's breakdown shows them.</summary>
    public static IReadOnlyList<string> InitPhases { get; } =
        [RuntimeInitSpan, TelemetrySetupSpan, NativeImportSpan, WeightLoadSpan, TokenizerLoadSpan, WarmupSpan];

    /// <summary>Metric names beyond the shared <c>faas.*</c> ones (<see cref="PlatformTelemetry.Metrics"/>).</summary>
    public static class Metrics
    {
        /// <summary>GenAI semantic convention: invoke start to the first generated token, seconds.</summary>
        public const string TimeToFirstToken = "gen_ai.server.time_to_first_token";

        /// <summary>Decode throughput of one generation.</summary>
        public const string DecodeTokensPerSecond = "llamaaspire.decode.tokens_per_second";

        /// <summary>Generated tokens.</summary>
        public const string GeneratedTokens = "llamaaspire.tokens.generated";
    }
}
