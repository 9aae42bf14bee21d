using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.EventStream;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaEmulator.Environments;
using Microsoft.AspNetCore.Http.Features;
using Api = LlamaAspire.LambdaContracts.InvokeApi;

namespace LlamaAspire.LambdaEmulator.InvokeApi;

/// <summary>
/// <c>InvokeWithResponseStream</c>: the function's response as event-stream frames — a <see cref="ResponseStreamEvents.PayloadChunk"/>
/// as each piece arrives from the runtime (or once, for a buffered response), then <see cref="ResponseStreamEvents.InvokeComplete"/>
/// with the error, if any, and the log tail. The HTTP <c>Content-Type</c> is the function's own (the SDKs' <c>ResponseStreamContentType</c>).
/// </summary>
public static class StreamingInvokeEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapPost(FunctionsApi.StreamingInvokeRoute, InvokeAsync);

    private static async Task InvokeAsync(HttpContext ctx, string name, Emulator emulator)
    {
        if (await InvokeRequestReader.ReadAsync(ctx, name, emulator, allowEvent: false).ConfigureAwait(false) is not { } read)
        {
            return;
        }

        if (read.InvocationType == Api.InvocationTypes.DryRun)
        {
            ctx.Response.StatusCode = 204;
            return;
        }

        InvokeCompletion invocation;
        try
        {
            invocation = read.Function.StartInvoke(read.Request);
        }
        catch (ThrottledException ex)
        {
            await AwsErrors.ThrottledAsync(ctx, ex.Reason).ConfigureAwait(false);
            return;
        }

        var response = await invocation.Response.ConfigureAwait(false);
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = response.ContentType;
        ctx.Response.Headers[Api.Headers.ExecutedVersion] = Api.LatestVersion;
        await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);

        var (errorCode, errorDetails) = response.Stream is { } stream
            ? await RelayAsync(ctx, stream, invocation).ConfigureAwait(false)
            : await WriteBufferedAsync(ctx, response).ConfigureAwait(false);
        var result = await invocation.Completed.ConfigureAwait(false);
        var complete = new InvokeCompleteEvent(errorCode, errorDetails, result.LogTail);
        await WriteEventAsync(ctx, ResponseStreamEvents.InvokeComplete, RuntimeApiJson,
            JsonSerializer.SerializeToUtf8Bytes(complete, FunctionsJsonContext.Default.InvokeCompleteEvent)).ConfigureAwait(false);
    }

    private const string RuntimeApiJson = LambdaContracts.RuntimeApi.JsonContentType;

    /// <summary>A buffered answer: one chunk; a function or platform error goes in InvokeComplete, as Lambda reports it.</summary>
    private static async Task<(string? Code, string? Details)> WriteBufferedAsync(HttpContext ctx, InvocationResponse response)
    {
        var body = response.Body ?? [];
        if (response.IsError)
        {
            return (response.ErrorType ?? LambdaErrorTypes.Unknown, Encoding.UTF8.GetString(body));
        }

        if (body.Length > 0)
        {
            await WriteEventAsync(ctx, ResponseStreamEvents.PayloadChunk, ResponseStreamEvents.ChunkContentType, body).ConfigureAwait(false);
        }

        return (null, null);
    }

    /// <summary>Each read from the runtime's stream becomes one chunk, flushed at once: tokens reach the caller as generated.</summary>
    private static async Task<(string? Code, string? Details)> RelayAsync(HttpContext ctx, PipeReader stream, InvokeCompletion invocation)
    {
        long sent = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(ctx.RequestAborted).ConfigureAwait(false);
                if (!read.Buffer.IsEmpty)
                {
                    sent += read.Buffer.Length;
                    if (sent > LambdaLimits.MaxStreamedResponseBytes)
                    {
                        await stream.CompleteAsync().ConfigureAwait(false);
                        return (LambdaErrorTypes.ResponseSizeTooLarge,
                            $"Response payload size exceeded maximum allowed payload size ({LambdaLimits.MaxStreamedResponseBytes} bytes).");
                    }

                    await WriteEventAsync(ctx, ResponseStreamEvents.PayloadChunk, ResponseStreamEvents.ChunkContentType, read.Buffer.ToArray()).ConfigureAwait(false);
                }

                stream.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            await stream.CompleteAsync().ConfigureAwait(false);
            return (null, null);
        }
        catch (IOException)
        {
            // The runtime ended the stream with an error trailer, or the platform ended the invoke (timeout, crash).
            var result = await invocation.Completed.ConfigureAwait(false);
            await stream.CompleteAsync().ConfigureAwait(false);
            return (result.Outcome.ErrorType ?? LambdaErrorTypes.Unknown, "The function reported an error while streaming its response.");
        }
    }

    private static async Task WriteEventAsync(HttpContext ctx, string eventType, string contentType, byte[] payload)
    {
        await ctx.Response.Body.WriteAsync(EventStreamCodec.EncodeEvent(eventType, contentType, payload), ctx.RequestAborted).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
