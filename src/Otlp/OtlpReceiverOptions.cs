using System.Net;

namespace LlamaAspire.Otlp;

/// <summary>Where an <see cref="OtlpReceiver"/> listens.</summary>
public sealed class OtlpReceiverOptions
{
    /// <summary>The address both listeners bind; loopback by default, since the exporters are local processes.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The http/protobuf (HTTP/1.1) port; 0, the default, takes a free one.</summary>
    public int HttpPort { get; set; }

    /// <summary>The gRPC (cleartext HTTP/2) port; 0, the default, takes a free one.</summary>
    public int GrpcPort { get; set; }
}
