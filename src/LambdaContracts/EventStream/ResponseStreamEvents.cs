namespace LlamaAspire.LambdaContracts.EventStream;

/// <summary>InvokeWithResponseStream's events: <see cref="PayloadChunk"/>s as the function streams, then one <see cref="InvokeComplete"/>.</summary>
public static class ResponseStreamEvents
{
    /// <summary>A piece of the function's response (the payload is its raw bytes).</summary>
    public const string PayloadChunk = "PayloadChunk";

    /// <summary>The end: a JSON <see cref="InvokeCompleteEvent"/>.</summary>
    public const string InvokeComplete = "InvokeComplete";

    /// <summary>The content type of a <see cref="PayloadChunk"/>'s payload.</summary>
    public const string ChunkContentType = "application/octet-stream";
}

/// <summary>The <see cref="ResponseStreamEvents.InvokeComplete"/> event: the error (if any) and the log tail (when asked for).</summary>
public sealed record InvokeCompleteEvent(string? ErrorCode, string? ErrorDetails, string? LogResult);
