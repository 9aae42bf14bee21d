using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using ProtoResourceSpans = OpenTelemetry.Proto.Trace.V1.ResourceSpans;
using ProtoSpan = OpenTelemetry.Proto.Trace.V1.Span;

namespace LlamaAspire.Otlp;

/// <summary>Reads the spans of an OTLP protobuf <c>ExportTraceServiceRequest</c> (the body of http/protobuf and gRPC exports).</summary>
public static class OtlpProtobufTraces
{
    /// <summary>Decodes a serialized <c>ExportTraceServiceRequest</c>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid <c>ExportTraceServiceRequest</c>.</exception>
    public static IReadOnlyList<OtlpSpan> Read(ReadOnlySpan<byte> request)
    {
        ExportTraceServiceRequest message;
        try
        {
            message = ExportTraceServiceRequest.Parser.ParseFrom(request);
        }
        catch (InvalidProtocolBufferException e)
        {
            // Callers see one exception type for "not OTLP", whichever format they read.
            throw new InvalidDataException("Not an OTLP ExportTraceServiceRequest: " + e.Message, e);
        }

        return FromMessage(message);
    }

    internal static IReadOnlyList<OtlpSpan> FromMessage(ExportTraceServiceRequest request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            AddResourceSpans(resourceSpans, spans);
        }

        return spans;
    }

    private static void AddResourceSpans(ProtoResourceSpans resourceSpans, List<OtlpSpan> spans)
    {
        var resource = Attributes(resourceSpans.Resource?.Attributes);
        foreach (var scopeSpans in resourceSpans.ScopeSpans)
        {
            var scope = scopeSpans.Scope?.Name is { Length: > 0 } name ? name : null;
            foreach (var span in scopeSpans.Spans)
            {
                spans.Add(FromProto(span, resource, scope));
            }
        }
    }

    private static OtlpSpan FromProto(ProtoSpan span, IReadOnlyDictionary<string, object> resource, string? scope) => new()
    {
        TraceId = Convert.ToHexStringLower(span.TraceId.Span),
        SpanId = Convert.ToHexStringLower(span.SpanId.Span),
        ParentSpanId = span.ParentSpanId.IsEmpty ? null : Convert.ToHexStringLower(span.ParentSpanId.Span),
        Name = span.Name,
        Kind = (OtlpSpanKind)(int)span.Kind,
        StartTimeUnixNano = span.StartTimeUnixNano,
        EndTimeUnixNano = span.EndTimeUnixNano,
        Attributes = Attributes(span.Attributes),
        Status = span.Status is null
            ? default
            : new OtlpSpanStatus((OtlpStatusCode)(int)span.Status.Code, span.Status.Message is { Length: > 0 } m ? m : null),
        ResourceAttributes = resource,
        ScopeName = scope,
    };

    private static Dictionary<string, object> Attributes(RepeatedField<KeyValue>? attributes)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        if (attributes is null)
        {
            return result;
        }

        foreach (var attribute in attributes)
        {
            if (Value(attribute.Value) is { } value)
            {
                result[attribute.Key] = value;
            }
        }

        return result;
    }

    private static object? Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(Value).OfType<object>().ToList(),
        AnyValue.ValueOneofCase.KvlistValue => Attributes(value.KvlistValue.Values),
        _ => null,
    };
}
