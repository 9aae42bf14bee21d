using LlamaAspire.Otlp;

namespace LlamaAspire.TestInfrastructure;

/// <summary>One OTLP export a <see cref="TelemetryCollector"/> took in: its signal (<c>traces</c> or <c>metrics</c>), transport and body.</summary>
public sealed record ReceivedExport(string Signal, OtlpProtocol Protocol, byte[] Body)
{
    /// <inheritdoc />
    public override string ToString() => $"{Signal} {Protocol} {Body.Length} B";
}
