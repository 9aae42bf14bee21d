using System.Globalization;
using System.Text;

namespace LlamaAspire.Benchmarks.Otlp;

/// <summary>
/// Decodes an OTLP/HTTP protobuf <c>ExportTraceServiceRequest</c> (opentelemetry-proto trace/v1) into spans.
/// Field numbers follow opentelemetry-proto; unknown fields are skipped so newer exporters still parse.
/// </summary>
internal static class OtlpTraceParser
{
    public static List<OtlpSpan> Parse(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var reader = new ProtoReader(request);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ParseResourceSpans(reader.ReadBytes(), spans);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return spans;
    }

    private static void ParseResourceSpans(ReadOnlySpan<byte> data, List<OtlpSpan> spans)
    {
        var serviceName = "unknown";
        var scopeSpans = new List<byte[]>();
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    var resource = ParseAttributes(reader.ReadBytes(), attributesField: 1);
                    serviceName = resource.GetValueOrDefault("service.name", serviceName);
                    break;
                case (2, 2):
                    scopeSpans.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (var scope in scopeSpans)
        {
            var scopeReader = new ProtoReader(scope);
            while (scopeReader.TryReadTag(out var field, out var wire))
            {
                if (field == 2 && wire == 2)
                {
                    spans.Add(ParseSpan(scopeReader.ReadBytes(), serviceName));
                }
                else
                {
                    scopeReader.Skip(wire);
                }
            }
        }
    }

    private static OtlpSpan ParseSpan(ReadOnlySpan<byte> data, string serviceName)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, string>();
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case (4, 2):
                    var parentBytes = reader.ReadBytes();
                    parent = parentBytes.IsEmpty ? null : Convert.ToHexStringLower(parentBytes);
                    break;
                case (5, 2): name = Encoding.UTF8.GetString(reader.ReadBytes()); break;
                case (7, 1): start = reader.ReadFixed64(); break;
                case (8, 1): end = reader.ReadFixed64(); break;
                case (9, 2):
                    var (key, value) = ParseKeyValue(reader.ReadBytes());
                    attributes[key] = value;
                    break;
                default: reader.Skip(wire); break;
            }
        }

        return new OtlpSpan(serviceName, traceId, spanId, parent, name, FromUnixNanos(start), FromUnixNanos(end), attributes);
    }

    private static Dictionary<string, string> ParseAttributes(ReadOnlySpan<byte> data, int attributesField)
    {
        var attributes = new Dictionary<string, string>();
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == attributesField && wire == 2)
            {
                var (key, value) = ParseKeyValue(reader.ReadBytes());
                attributes[key] = value;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return attributes;
    }

    private static (string Key, string Value) ParseKeyValue(ReadOnlySpan<byte> data)
    {
        string key = "", value = "";
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                key = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == 2 && wire == 2)
            {
                value = ParseAnyValue(reader.ReadBytes());
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (key, value);
    }

    private static string ParseAnyValue(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): return Encoding.UTF8.GetString(reader.ReadBytes());
                case (2, 0): return reader.ReadVarint() != 0 ? "true" : "false";
                case (3, 0): return ((long)reader.ReadVarint()).ToString(CultureInfo.InvariantCulture);
                case (4, 1): return BitConverter.UInt64BitsToDouble(reader.ReadFixed64()).ToString(CultureInfo.InvariantCulture);
                default: reader.Skip(wire); break;
            }
        }

        return "";
    }

    private static DateTimeOffset FromUnixNanos(ulong nanos) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));
}
