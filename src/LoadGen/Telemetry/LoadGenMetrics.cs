using System.Diagnostics.Metrics;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.LoadGen.Telemetry;

/// <summary>
/// LoadGen's live metrics (OpenTelemetry naming: dotted lower-case, UCUM units, <c>{annotation}</c> for counts), exported
/// over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set — as Aspire sets it for the dashboard — so a run's traffic,
/// cold starts and latency show while it runs. Tagged by function, outcome and cold/warm.
/// </summary>
public static class LoadGenMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "LlamaAspire.LoadGen";

    /// <summary>Invokes answered (or failed), tagged <see cref="FunctionTag"/>, <see cref="OutcomeTag"/>, <see cref="ColdTag"/>.</summary>
    public const string Requests = "loadgen.requests";

    /// <summary>Invokes that were cold starts.</summary>
    public const string ColdStarts = "loadgen.cold_starts";

    /// <summary>Service time of an invoke, send → complete answer, seconds.</summary>
    public const string RequestDuration = "loadgen.request.duration";

    /// <summary>Invokes sent and not yet answered.</summary>
    public const string ActiveRequests = "loadgen.requests.active";

    /// <summary>The function invoked.</summary>
    public const string FunctionTag = "faas.invoked_name";

    /// <summary>ok, function_error, throttled, … (results.json's outcome).</summary>
    public const string OutcomeTag = "loadgen.outcome";

    /// <summary>Whether the invoke was a cold start (absent when the target did not say).</summary>
    public const string ColdTag = FaasAttributes.ColdStart;

    private static readonly Meter Meter = new(MeterName);

    /// <inheritdoc cref="Requests"/>
    internal static readonly Counter<long> RequestCount = Meter.CreateCounter<long>(Requests, "{request}", "Invokes answered or failed");

    /// <inheritdoc cref="ColdStarts"/>
    internal static readonly Counter<long> ColdStartCount = Meter.CreateCounter<long>(ColdStarts, "{cold_start}", "Invokes that were cold starts");

    /// <inheritdoc cref="RequestDuration"/>
    internal static readonly Histogram<double> Duration = Meter.CreateHistogram(RequestDuration, "s", "Service time of an invoke, send to complete answer",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120] });

    /// <inheritdoc cref="ActiveRequests"/>
    internal static readonly UpDownCounter<long> Active = Meter.CreateUpDownCounter<long>(ActiveRequests, "{request}", "Invokes sent and not yet answered");
}
