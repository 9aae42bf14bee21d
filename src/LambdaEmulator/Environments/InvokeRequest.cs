using System.Diagnostics;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>An invoke as the caller asked for it (Invoke API, function URL or the Event queue). Immutable.</summary>
public sealed record InvokeRequest(string RequestId, byte[] Payload, string Trigger)
{
    /// <summary>The caller's client context (decoded JSON), passed to the runtime as is.</summary>
    public string? ClientContext { get; init; }

    /// <summary><c>X-Amz-Log-Type: Tail</c>: the invoke's log is kept for <c>X-Amz-Log-Result</c>.</summary>
    public bool TailLog { get; init; }

    /// <summary>The caller's trace context, parent of <see cref="LlamaAspire.LambdaContracts.Telemetry.PlatformTelemetry.InitSpan"/> and <see cref="LlamaAspire.LambdaContracts.Telemetry.PlatformTelemetry.InvokeSpan"/>.</summary>
    public ActivityContext ParentContext { get; init; }
}

/// <summary>What the runtime's <c>GET /next</c> serves for one invoke: fixed when the invoke is handed to an environment. Immutable.</summary>
public sealed record InvokeMessage(
    string RequestId,
    byte[] Payload,
    long DeadlineMs,
    string InvokedFunctionArn,
    string TraceHeader,
    string? ClientContext);
