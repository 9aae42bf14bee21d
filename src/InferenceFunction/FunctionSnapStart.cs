using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.InferenceFunction;

/// <summary>
/// The function's SnapStart hooks (they run only under <c>AWS_LAMBDA_INITIALIZATION_TYPE=snap-start</c>). What init leaves
/// behind that a snapshot breaks is little: the OTLP exporters' connections (flushed before, rebuilt after). The model, the
/// tokenizer and the ONNX Runtime session are plain memory and survive as they are. Sampling seeds need no hook: they come
/// from the OS's entropy per request (<see cref="Requests.OpenAi.OpenAiRequestParser"/>), never from a PRNG state a snapshot
/// would copy into every restored environment. Nothing else is cached from the environment past init.
/// </summary>
public static class FunctionSnapStart
{
    /// <summary>Registers the hooks on <paramref name="hooks"/>.</summary>
    public static void Register(SnapshotHooks hooks, TelemetrySetup telemetry, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(log);

        // Init's spans and metrics leave now: after the snapshot the connection they would go through is gone.
        hooks.RegisterBeforeSnapshot(() =>
        {
            var took = telemetry.Flush();
            log($"SNAPSTART\tbefore snapshot: telemetry flushed in {took.TotalMilliseconds:F1} ms");
            return ValueTask.CompletedTask;
        });

        // A restored environment is a new one: new exporters, new connections.
        hooks.RegisterAfterRestore(() =>
        {
            telemetry.Reconnect();
            log($"SNAPSTART\tafter restore: telemetry exporters {(telemetry.Enabled ? "rebuilt" : "not configured")}");
            return ValueTask.CompletedTask;
        });
    }
}
