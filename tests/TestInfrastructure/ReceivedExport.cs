using LlamaAspire.Otlp;

namespace LlamaAspire.TestInfrastructure;

/// <summary>One OTLP export a <see cref="TelemetryCollector"/> took in: its signal (<c>traces</c> or <c>metrics</c>), transport, body,
/// and the server's id of the connection it came on (a new exporter opens new connections).</summary>
public sealed record ReceivedExport(string Signal, OtlpProtocol Protocol, byte[] Body, string ConnectionId = "")
{
    /// <inheritdoc />
    public override string ToString() => $"{Signal} {Protocol} {Body.Length} B";
}
