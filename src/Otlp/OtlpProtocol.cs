namespace LlamaAspire.Otlp;

/// <summary>The OTLP transports an <see cref="OtlpReceiver"/> listens on, as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> names them.</summary>
public enum OtlpProtocol
{
    /// <summary><c>http/protobuf</c>: <c>POST /v1/traces</c> with an <c>application/x-protobuf</c> body, over HTTP/1.1.</summary>
    HttpProtobuf,

    /// <summary><c>grpc</c>: <c>TraceService/Export</c> over cleartext HTTP/2.</summary>
    Grpc,
}
