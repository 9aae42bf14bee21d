using LlamaAspire.LambdaContracts;
namespace LlamaAspire.LambdaRuntime;

/// <summary>What a handler returns: a buffered body (POSTed whole) or a streamed one (chunked, <c>Lambda-Runtime-Function-Response-Mode: streaming</c>).</summary>
public abstract class LambdaResponse
{
    private protected LambdaResponse(string contentType)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ContentType = contentType;
    }

    /// <summary>The response's <c>Content-Type</c>.</summary>
    public string ContentType { get; }

    /// <summary>A whole body, sent with one POST. Bodies over <see cref="LambdaLimits.MaxBufferedResponseBytes"/> are reported as <c>Function.ResponseSizeTooLarge</c>.</summary>
    public static LambdaResponse Buffered(ReadOnlyMemory<byte> body, string contentType = RuntimeApi.JsonContentType) =>
        new BufferedLambdaResponse(body, contentType);

    /// <summary>
    /// A streamed body: <paramref name="writeAsync"/> gets a write-only stream where every write is sent at once as one HTTP chunk.
    /// An exception it throws after the response has started is reported as the <c>Lambda-Runtime-Function-Error-Type</c> /
    /// <c>Lambda-Runtime-Function-Error-Body</c> trailers. The token fires at the invoke's deadline.
    /// </summary>
    public static LambdaResponse Streaming(string contentType, Func<Stream, CancellationToken, Task> writeAsync) =>
        new StreamingLambdaResponse(contentType, writeAsync);
}

/// <summary>A response sent whole.</summary>
public sealed class BufferedLambdaResponse : LambdaResponse
{
    internal BufferedLambdaResponse(ReadOnlyMemory<byte> body, string contentType)
        : base(contentType) => Body = body;

    /// <summary>The whole response body.</summary>
    public ReadOnlyMemory<byte> Body { get; }
}

/// <summary>A response streamed as it is written.</summary>
public sealed class StreamingLambdaResponse : LambdaResponse
{
    internal StreamingLambdaResponse(string contentType, Func<Stream, CancellationToken, Task> writeAsync)
        : base(contentType)
    {
        ArgumentNullException.ThrowIfNull(writeAsync);
        WriteAsync = writeAsync;
    }

    /// <summary>Writes the body to the stream as it is produced; each write goes out as one chunk.</summary>
    public Func<Stream, CancellationToken, Task> WriteAsync { get; }
}
