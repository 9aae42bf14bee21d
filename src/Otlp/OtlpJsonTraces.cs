using System.Globalization;
using System.Text.Json;

namespace LlamaAspire.Otlp;

/// <summary>
/// Reads spans from OTLP/JSON (<c>{"resourceSpans":[...]}</c>): the body of an http/json export, and what the Aspire
/// dashboard's <c>/api/telemetry/traces/{id}</c> answers.
/// </summary>
/// <remarks>
/// Follows the OTLP/JSON rules rather than protobuf's canonical JSON: ids are hex, 64-bit integers may come as strings
/// or numbers, enums as integers (their proto names are accepted too). Every <c>resourceSpans</c> array in the document
/// is read wherever it sits, so a response that wraps the OTLP payload in an envelope still parses.
/// </remarks>
public static class OtlpJsonTraces
{
    /// <summary>Reads every span in an OTLP/JSON document.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON, or a span in it is malformed.</exception>
    public static IReadOnlyList<OtlpSpan> Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("Not OTLP/JSON: " + e.Message, e);
        }
    }

    /// <summary>Reads every span under an OTLP/JSON element.</summary>
    /// <exception cref="InvalidDataException">A span under it is malformed.</exception>
    public static IReadOnlyList<OtlpSpan> Read(JsonElement root)
    {
        var spans = new List<OtlpSpan>();
        try
        {
            Collect(root, spans);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            // A value of the wrong JSON kind (GetString on a number, a bad hex id): one exception type for callers.
            throw new InvalidDataException("Malformed OTLP/JSON span: " + e.Message, e);
        }

        return spans;
    }

    private static void Collect(JsonElement element, List<OtlpSpan> spans)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals("resourceSpans") && property.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var resourceSpans in property.Value.EnumerateArray())
                    {
                        AddResourceSpans(resourceSpans, spans);
                    }
                }
                else
                {
                    Collect(property.Value, spans);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, spans);
            }
        }
    }

    private static void AddResourceSpans(JsonElement resourceSpans, List<OtlpSpan> spans)
    {
        var resource = TryGet(resourceSpans, "resource", out var r) ? Attributes(r) : [];
        foreach (var scopeSpans in Array(resourceSpans, "scopeSpans"))
        {
            var scope = TryGet(scopeSpans, "scope", out var s) ? String(s, "name") : null;
            foreach (var span in Array(scopeSpans, "spans"))
            {
                spans.Add(FromJson(span, resource, scope));
            }
        }
    }

    private static OtlpSpan FromJson(JsonElement span, Dictionary<string, object> resource, string? scope) => new()
    {
        TraceId = Id(String(span, "traceId")) ?? "",
        SpanId = Id(String(span, "spanId")) ?? "",
        ParentSpanId = Id(String(span, "parentSpanId")),
        Name = String(span, "name") ?? "",
        Kind = EnumValue<OtlpSpanKind>(span, "kind", "SPAN_KIND_"),
        StartTimeUnixNano = UInt64(span, "startTimeUnixNano"),
        EndTimeUnixNano = UInt64(span, "endTimeUnixNano"),
        Attributes = Attributes(span),
        Status = TryGet(span, "status", out var status)
            ? new OtlpSpanStatus(EnumValue<OtlpStatusCode>(status, "code", "STATUS_CODE_"), String(status, "message") is { Length: > 0 } m ? m : null)
            : default,
        ResourceAttributes = resource,
        ScopeName = scope is { Length: > 0 } ? scope : null,
    };

    /// <summary>The <c>attributes</c> array of a span, resource or kvlist (<c>values</c>), keyed by <c>key</c>.</summary>
    private static Dictionary<string, object> Attributes(JsonElement owner, string arrayName = "attributes")
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var attribute in Array(owner, arrayName))
        {
            if (String(attribute, "key") is { } key && TryGet(attribute, "value", out var value) && Value(value) is { } v)
            {
                result[key] = v;
            }
        }

        return result;
    }

    private static object? Value(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue; // Other oneof members, written as null by serializers that write every field.
            }

            switch (property.Name)
            {
                case "stringValue": return property.Value.GetString();
                case "boolValue": return property.Value.GetBoolean();
                case "intValue": return Int64(property.Value);
                case "doubleValue": return Double(property.Value);
                case "bytesValue": return property.Value.GetBytesFromBase64();
                case "arrayValue": return Array(property.Value, "values").Select(Value).OfType<object>().ToList();
                case "kvlistValue": return Attributes(property.Value, "values");
                default: break; // A value kind newer than this reader: skipped like protobuf's unknown fields.
            }
        }

        return null;
    }

    /// <summary>A property that is there and not null (serializers write absent optional fields either way).</summary>
    private static bool TryGet(JsonElement owner, string name, out JsonElement value)
    {
        value = default;
        return owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement owner, string name) =>
        TryGet(owner, name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : default;

    private static string? String(JsonElement owner, string name) =>
        TryGet(owner, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Hex ids pass through lower-cased; empty means absent (a root span's parent).</summary>
    private static string? Id(string? hex) => string.IsNullOrEmpty(hex) ? null : Convert.ToHexStringLower(Convert.FromHexString(hex));

    private static ulong UInt64(JsonElement owner, string name) =>
        TryGet(owner, name, out var value)
            ? value.ValueKind == JsonValueKind.String ? ulong.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetUInt64()
            : 0;

    private static long Int64(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt64();

    private static double Double(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetDouble();

    /// <summary>An enum sent as its number (the OTLP/JSON rule) or as its proto name (<c>SPAN_KIND_SERVER</c>).</summary>
    private static TEnum EnumValue<TEnum>(JsonElement owner, string name, string protoPrefix)
        where TEnum : struct, Enum
    {
        if (!TryGet(owner, name, out var value))
        {
            return default;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return (TEnum)(object)value.GetInt32();
        }

        var text = value.GetString() ?? "";
        var member = text.StartsWith(protoPrefix, StringComparison.Ordinal) ? text[protoPrefix.Length..].Replace("_", "", StringComparison.Ordinal) : text;
        return Enum.TryParse<TEnum>(member, ignoreCase: true, out var parsed)
            ? parsed
            : throw new FormatException($"Unknown {name} '{text}'.");
    }
}
