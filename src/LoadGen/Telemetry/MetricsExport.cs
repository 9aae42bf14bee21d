using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace LlamaAspire.LoadGen.Telemetry;

/// <summary>
/// Exports <see cref="LoadGenMetrics"/> over OTLP when the standard variables ask for it (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c>), as Aspire sets them for the dashboard; otherwise nothing is exported.
/// </summary>
public static class MetricsExport
{
    /// <summary>How often metrics leave when <c>OTEL_METRIC_EXPORT_INTERVAL</c> is unset: every second, so the dashboard is live.</summary>
    public const int DefaultIntervalMs = 1000;

    /// <summary>The provider (dispose it to flush the last export), or null when no OTLP endpoint is configured.</summary>
    public static MeterProvider? Start(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env("OTEL_EXPORTER_OTLP_ENDPOINT") is not { Length: > 0 } endpoint)
        {
            return null;
        }

        var grpc = env("OTEL_EXPORTER_OTLP_PROTOCOL") is not ("http/protobuf");
        var interval = int.TryParse(env("OTEL_METRIC_EXPORT_INTERVAL"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0 ? ms : DefaultIntervalMs;
        return Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(env("OTEL_SERVICE_NAME") ?? "loadgen"))
            .AddMeter(LoadGenMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                // Set in code, an http/protobuf endpoint is used as given: the signal's path is added here, as the variable implies.
                exporter.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                exporter.Endpoint = new Uri(grpc ? endpoint : endpoint.TrimEnd('/') + "/v1/metrics");
                if (env("OTEL_EXPORTER_OTLP_HEADERS") is { Length: > 0 } headers)
                {
                    exporter.Headers = headers;
                }

                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build();
    }
}
