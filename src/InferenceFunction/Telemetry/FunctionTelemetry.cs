using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>The function's ActivitySource, Meter and instruments. Names follow the OpenTelemetry FaaS / GenAI conventions where they exist.</summary>
public static class FunctionTelemetry
{
    public const string SourceName = FunctionTelemetryNames.SourceName;

    public static readonly ActivitySource Source = new(SourceName, "1.0.0");
    public static readonly Meter Meter = new(SourceName, "1.0.0");

    public static readonly Histogram<double> InitDuration =
        Meter.CreateHistogram<double>(PlatformTelemetry.Metrics.InitDuration, "s", "Process start to ready for the first invocation.");
    public static readonly Histogram<double> InvokeDuration =
        Meter.CreateHistogram<double>(PlatformTelemetry.Metrics.InvokeDuration, "s", "Invocation duration, from the handler's view.");
    public static readonly Counter<long> Invocations = Meter.CreateCounter<long>(PlatformTelemetry.Metrics.Invocations, "{invocation}");
    public static readonly Counter<long> ColdStarts = Meter.CreateCounter<long>(PlatformTelemetry.Metrics.ColdStarts, "{coldstart}");
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>(PlatformTelemetry.Metrics.Errors, "{error}");
    public static readonly Counter<long> Timeouts = Meter.CreateCounter<long>(PlatformTelemetry.Metrics.Timeouts, "{timeout}");
    public static readonly Histogram<double> TimeToFirstToken =
        Meter.CreateHistogram<double>(FunctionTelemetryNames.Metrics.TimeToFirstToken, "s", "Invoke start to the first generated token.");
    public static readonly Histogram<double> TokensPerSecond =
        Meter.CreateHistogram<double>(FunctionTelemetryNames.Metrics.DecodeTokensPerSecond, "{token}/s", "Decode throughput of one generation.");
    public static readonly Counter<long> GeneratedTokens = Meter.CreateCounter<long>(FunctionTelemetryNames.Metrics.GeneratedTokens, "{token}");
}
