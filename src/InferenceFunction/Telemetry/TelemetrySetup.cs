using System.Diagnostics;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>
/// OpenTelemetry SDK providers with the OTLP exporter, built only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter
/// reads the endpoint, OTEL_EXPORTER_OTLP_PROTOCOL grpc|http/protobuf and headers from the environment itself).
/// Lambda freezes the process once the response is sent, so <see cref="Flush"/> runs before every response.
/// Under SnapStart the exporters' connections do not survive the snapshot: <see cref="Reconnect"/> builds new providers.
/// </summary>
public sealed class TelemetrySetup : IDisposable
{
    public const string FlushTimeoutEnv = "LLAMA_OTEL_FLUSH_TIMEOUT_MS";
    TracerProvider? _tracer;
    MeterProvider? _meter;
    readonly int _flushTimeoutMs;
    readonly Func<string, string?>? _env;
    Task? _backgroundFlush;

    TelemetrySetup(TracerProvider? tracer, MeterProvider? meter, int flushTimeoutMs, Func<string, string?>? env)
    {
        _tracer = tracer;
        _meter = meter;
        _flushTimeoutMs = flushTimeoutMs;
        _env = env;
    }

    public static TelemetrySetup Disabled { get; } = new(null, null, 0, null);

    /// <summary>How many times <see cref="Reconnect"/> replaced the providers (SnapStart restores).</summary>
    public int Reconnects { get; private set; }

    public bool Enabled => _tracer is not null;

    public static TelemetrySetup Create(Func<string, string?> env)
    {
        if (string.IsNullOrWhiteSpace(env(EnvVars.OtlpEndpoint)))
        {
            return Disabled;
        }

        int flushTimeout = int.TryParse(env(FlushTimeoutEnv), out var t) && t > 0 ? t : 2000;
        var (tracer, meter) = Build(env);
        return new TelemetrySetup(tracer, meter, flushTimeout, env);
    }

    static (TracerProvider Tracer, MeterProvider Meter) Build(Func<string, string?> env)
    {
        var resource = ResourceBuilder.CreateDefault(); // + OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES
        string functionName = env(EnvVars.FunctionName) ?? "inference";
        if (string.IsNullOrWhiteSpace(env(EnvVars.OtelServiceName)))
        {
            resource.AddService(functionName);
        }

        resource.AddAttributes(LambdaResourceAttributes.Resource(env));

        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(FunctionTelemetry.SourceName)
            .AddOtlpExporter()
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(FunctionTelemetry.SourceName)
            .AddOtlpExporter((_, reader) =>
            {
                // Exported on ForceFlush before each response; the periodic timer is a backstop only.
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Delta;
            })
            .Build();
        return (tracer!, meter!);
    }

    /// <summary>
    /// SnapStart, after a restore: new providers (new exporters, new connections; the resource read from the environment again),
    /// the old ones disposed in the background — their connections died with the snapshot, and a shutdown that waits on one
    /// must not delay the restore. <see cref="Flush"/> before the snapshot left them nothing to send.
    /// </summary>
    public void Reconnect()
    {
        if (_tracer is null || _env is null)
        {
            return;
        }

        Interlocked.Exchange(ref _backgroundFlush, null)?.GetAwaiter().GetResult();
        var (oldTracer, oldMeter) = (_tracer, _meter);
        (_tracer, _meter) = Build(_env);
        Reconnects++;
        _ = Task.Run(() =>
        {
            oldTracer.Dispose();
            oldMeter?.Dispose();
        }).ContinueWith(
            static t => Console.Error.WriteLine($"SNAPSTART\tdisposing the pre-snapshot telemetry providers failed: {t.Exception?.GetBaseException().Message}"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// Pays the OpenTelemetry SDK's one-time cost of its first measurement (6–9 ms under Native AOT, whichever instrument takes
    /// it) on a thread of its own while init runs. Otherwise init's <c>faas.init_duration</c> pays it between the end of
    /// init and the first invoke's handler. It adds 0 to <c>faas.coldstarts</c>, which changes no sum.
    /// </summary>
    /// <returns>The warm-up, for tests; init does not wait for it.</returns>
    public Task WarmUpInBackground() => _meter is null
        ? Task.CompletedTask
        : Task.Factory.StartNew(static () => FunctionTelemetry.ColdStarts.Add(0), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Starts exporting what is pending without waiting for it (at the end of init: the exporter's first connection
    /// then overlaps the wait for the first invoke instead of delaying <c>/next</c>). The next <see cref="Flush"/> waits for it.
    /// </summary>
    public void FlushInBackground()
    {
        if (_tracer is null)
        {
            return;
        }

        // A thread of its own: ForceFlush blocks while the exporter connects and sends, and a blocked pool thread is one the
        // first /next's async I/O may wait for (a 2-vCPU function starts with two).
        _backgroundFlush = Task.Factory.StartNew(FlushNow, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Exports what is pending (spans, then metrics). Returns the time it took.</summary>
    public TimeSpan Flush()
    {
        if (_tracer is null)
        {
            return TimeSpan.Zero;
        }

        long t0 = Stopwatch.GetTimestamp();
        // One flush at a time: a metric collection already in progress would not include what was recorded since.
        Interlocked.Exchange(ref _backgroundFlush, null)?.GetAwaiter().GetResult();
        FlushNow();
        return Stopwatch.GetElapsedTime(t0);
    }

    void FlushNow()
    {
        _tracer?.ForceFlush(_flushTimeoutMs);
        _meter?.ForceFlush(_flushTimeoutMs);
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }
}

/// <summary>OpenTelemetry FaaS / cloud attributes (semantic conventions, docs/faas/aws-lambda.md).</summary>
public static class LambdaResourceAttributes
{
    public static IEnumerable<KeyValuePair<string, object>> Resource(Func<string, string?> env)
    {
        var list = new List<KeyValuePair<string, object>>
        {
            new(FaasAttributes.CloudProvider, FaasAttributes.AwsProvider),
            new(FaasAttributes.CloudPlatform, FaasAttributes.AwsLambdaPlatform),
            new(FaasAttributes.Name, env(EnvVars.FunctionName) ?? "inference"),
        };
        if (Region(env) is string region)
        {
            list.Add(new(FaasAttributes.CloudRegion, region));
        }

        if (env(EnvVars.FunctionVersion) is { Length: > 0 } version)
        {
            list.Add(new(FaasAttributes.Version, version));
        }

        if (env(EnvVars.LogStreamName) is { Length: > 0 } stream)
        {
            list.Add(new(FaasAttributes.Instance, stream));
        }

        if (long.TryParse(env(EnvVars.FunctionMemorySize), out var mb))
        {
            list.Add(new(FaasAttributes.MaxMemory, LambdaLimits.MemoryBytes((int)mb)));
        }

        return list;
    }

    public static string? Region(Func<string, string?> env) =>
        env(EnvVars.Region) is { Length: > 0 } r ? r : env(EnvVars.DefaultRegion) is { Length: > 0 } d ? d : null;

}
