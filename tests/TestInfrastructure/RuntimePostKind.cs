namespace LlamaAspire.TestInfrastructure;

/// <summary>Which Runtime API endpoint a runtime posted to.</summary>
public enum RuntimePostKind
{
    /// <summary><c>POST /runtime/invocation/{requestId}/response</c>, buffered or streamed.</summary>
    Response,

    /// <summary><c>POST /runtime/invocation/{requestId}/error</c>.</summary>
    Error,

    /// <summary><c>POST /runtime/init/error</c>.</summary>
    InitError,

    /// <summary><c>POST /runtime/restore/error</c> (SnapStart).</summary>
    RestoreError,
}
