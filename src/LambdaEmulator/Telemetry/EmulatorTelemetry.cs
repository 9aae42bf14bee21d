using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.LambdaEmulator.Telemetry;

/// <summary>
/// The platform's spans and metrics, named as the OpenTelemetry FaaS conventions and the
/// opentelemetry-lambda Telemetry API receiver name them (<see cref="PlatformTelemetry"/>, faas.*).
/// </summary>
public sealed class EmulatorTelemetry : IDisposable
{
    public const string Name = PlatformTelemetry.SourceName;

    public static readonly ActivitySource Source = new(Name, "1.0.0");

    private readonly Meter _meter;

    public EmulatorTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name, "1.0.0");
        ColdStarts = _meter.CreateCounter<long>(PlatformTelemetry.Metrics.ColdStarts, "{coldstart}", "Number of invocation cold starts");
        Invocations = _meter.CreateCounter<long>(PlatformTelemetry.Metrics.Invocations, "{invocation}", "Number of successful invocations");
        Errors = _meter.CreateCounter<long>(PlatformTelemetry.Metrics.Errors, "{error}", "Number of invocation errors");
        Timeouts = _meter.CreateCounter<long>(PlatformTelemetry.Metrics.Timeouts, "{timeout}", "Number of invocation timeouts");
        Throttles = _meter.CreateCounter<long>(PlatformTelemetry.Metrics.Throttles, "{throttle}", "Invokes rejected with 429 (concurrency exhausted)");
        InitDuration = _meter.CreateHistogram<double>(PlatformTelemetry.Metrics.InitDuration, "s", "Duration of the init phase");
        InvokeDuration = _meter.CreateHistogram<double>(PlatformTelemetry.Metrics.InvokeDuration, "s", "Duration of the invoke phase");
        MemUsage = _meter.CreateHistogram<long>(PlatformTelemetry.Metrics.MemUsage, "By", "Peak memory of the environment (its cgroup, or the runtime process) at the end of an invoke");
    }

    public Counter<long> ColdStarts { get; }
    public Counter<long> Invocations { get; }
    public Counter<long> Errors { get; }
    public Counter<long> Timeouts { get; }
    public Counter<long> Throttles { get; }
    public Histogram<double> InitDuration { get; }
    public Histogram<double> InvokeDuration { get; }
    public Histogram<long> MemUsage { get; }

    /// <summary>Registers the live/busy environment gauge (faas.concurrency = busy, faas.environments = live).</summary>
    public void RegisterGauges(Func<IEnumerable<(string Function, int Live, int Busy)>> observe)
    {
        _meter.CreateObservableGauge(PlatformTelemetry.Metrics.Concurrency, () => observe().Select(o =>
            new Measurement<int>(o.Busy, new KeyValuePair<string, object?>(FaasAttributes.Name, o.Function))),
            "{environment}", "Environments running an invoke");
        _meter.CreateObservableGauge(PlatformTelemetry.Metrics.Environments, () => observe().Select(o =>
            new Measurement<int>(o.Live, new KeyValuePair<string, object?>(FaasAttributes.Name, o.Function))),
            "{environment}", "Live execution environments (initializing, warm, busy or frozen)");
    }

    public static TagList Tags(string function, string trigger) => new()
    {
        { FaasAttributes.Name, function },
        { FaasAttributes.Trigger, trigger },
    };

    public void Dispose() => _meter.Dispose();
}
