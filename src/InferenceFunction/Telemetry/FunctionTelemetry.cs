using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>The function's ActivitySource, Meter and instruments. Names follow the OpenTelemetry FaaS / GenAI conventions where they exist.</summary>
public static class FunctionTelemetry
{
    public const string SourceName = "LlamaAspire.InferenceFunction";

    // Span names.
    public const string FunctionInitSpan = "function.init";
    public const string RuntimeInitSpan = "runtime init";
    public const string TelemetrySetupSpan = "telemetry setup";
    public const string NativeImportSpan = "native import";
    public const string WeightLoadSpan = "weight load";
    public const string TokenizerLoadSpan = "tokenizer load";
    public const string WarmupSpan = "warm-up";
    public const string PrefillSpan = "prefill";
    public const string DecodeSpan = "decode";

    public static readonly ActivitySource Source = new(SourceName, "1.0.0");
    public static readonly Meter Meter = new(SourceName, "1.0.0");

    public static readonly Histogram<double> InitDuration =
        Meter.CreateHistogram<double>("faas.init_duration", "s", "Process start to ready for the first invocation.");
    public static readonly Histogram<double> InvokeDuration =
        Meter.CreateHistogram<double>("faas.invoke_duration", "s", "Invocation duration, from the handler's view.");
    public static readonly Counter<long> Invocations = Meter.CreateCounter<long>("faas.invocations", "{invocation}");
    public static readonly Counter<long> ColdStarts = Meter.CreateCounter<long>("faas.coldstarts", "{coldstart}");
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("faas.errors", "{error}");
    public static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("faas.timeouts", "{timeout}");
    public static readonly Histogram<double> TimeToFirstToken =
        Meter.CreateHistogram<double>("gen_ai.server.time_to_first_token", "s", "Invoke start to the first generated token.");
    public static readonly Histogram<double> TokensPerSecond =
        Meter.CreateHistogram<double>("llamaaspire.decode.tokens_per_second", "{token}/s", "Decode throughput of one generation.");
    public static readonly Counter<long> GeneratedTokens = Meter.CreateCounter<long>("llamaaspire.tokens.generated", "{token}");
}
