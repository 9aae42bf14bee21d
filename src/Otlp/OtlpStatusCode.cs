namespace LlamaAspire.Otlp;

/// <summary>A span's status code, numbered as in opentelemetry-proto's <c>Status.StatusCode</c>.</summary>
public enum OtlpStatusCode
{
    /// <summary>No status was set (the usual case for a span that succeeded).</summary>
    Unset = 0,

    /// <summary>Explicitly marked successful.</summary>
    Ok = 1,

    /// <summary>The operation failed.</summary>
    Error = 2,
}
