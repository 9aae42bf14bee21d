using System.Text;
using System.Text.Json;
using LlamaAspire.InferenceFunction.Requests;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>
/// The cold start's init breakdown as one CloudWatch Embedded Metric Format line: written during the first invoke, it lands in
/// that invoke's tail log and, on AWS, becomes CloudWatch metrics (namespace <see cref="Namespace"/>, dimension
/// <c>FunctionName</c>) with no agent or API call — the breakdown LoadGen reads where it has no trace.
/// </summary>
public static class InitMetricsLog
{
    public const string Namespace = "LlamaAspire";
    public const string FunctionNameDimension = "FunctionName";

    /// <summary>The EMF line: <see cref="FunctionTelemetryNames.InitSpan"/> (the total) and one metric per phase, in milliseconds.</summary>
    public static string Format(string functionName, InitTimings init, DateTimeOffset now)
    {
        var metrics = new List<(string Name, double Ms)> { (FunctionTelemetryNames.InitSpan, init.TotalMs) };
        metrics.AddRange(init.Phases.Select(p => (p.Key, p.Value)));

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("_aws");
            w.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            w.WriteStartArray("CloudWatchMetrics");
            w.WriteStartObject();
            w.WriteString("Namespace", Namespace);
            w.WriteStartArray("Dimensions");
            w.WriteStartArray();
            w.WriteStringValue(FunctionNameDimension);
            w.WriteEndArray();
            w.WriteEndArray();
            w.WriteStartArray("Metrics");
            foreach (var (name, _) in metrics)
            {
                w.WriteStartObject();
                w.WriteString("Name", name);
                w.WriteString("Unit", "Milliseconds");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString(FunctionNameDimension, functionName);
            foreach (var (name, ms) in metrics)
            {
                w.WriteNumber(name, ms);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
