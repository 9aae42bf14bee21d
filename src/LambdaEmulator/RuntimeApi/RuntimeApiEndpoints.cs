using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaEmulator.Environments;
using Microsoft.AspNetCore.Http.Features;
using Api = LlamaAspire.LambdaContracts.RuntimeApi;

namespace LlamaAspire.LambdaEmulator.RuntimeApi;

/// <summary>The Lambda Runtime API (2018-06-01) as AWS specifies it, for one execution environment.</summary>
public static class RuntimeApiEndpoints
{
    /// <summary>The emulator's own error type for a call held while its environment goes away (not one of Lambda's).</summary>
    private const string ShuttingDownErrorType = "Runtime.ShuttingDown";

    public static void Map(WebApplication app, Func<ExecutionEnvironment?> target)
    {
        app.MapGet(Api.Routes.Next, (HttpContext ctx) => NextAsync(ctx, target()));
        app.MapPost(Api.Routes.Response, (HttpContext ctx, string requestId) => ResponseAsync(ctx, target(), requestId));
        app.MapPost(Api.Routes.Error, (HttpContext ctx, string requestId) => ErrorAsync(ctx, target(), requestId));
        app.MapPost(Api.Routes.InitError, (HttpContext ctx) => InitErrorAsync(ctx, target()));
        app.MapGet(Api.Routes.RestoreNext, (HttpContext ctx) => RestoreNextAsync(ctx, target()));
        app.MapPost(Api.Routes.RestoreError, (HttpContext ctx) => RestoreErrorAsync(ctx, target()));
    }

    /// <summary>SnapStart: held until the environment is restored, then 200 with an empty body.</summary>
    private static async Task RestoreNextAsync(HttpContext ctx, ExecutionEnvironment? env)
    {
        var answer = env is null ? RestoreNextAnswer.Refused : await env.RestoreNextAsync(ctx.RequestAborted).ConfigureAwait(false);
        switch (answer)
        {
            case RestoreNextAnswer.Restored:
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentLength = 0;
                break;
            case RestoreNextAnswer.Refused:
                await WriteStatusAsync(ctx, 403, Api.ErrorTypes.InvalidStateTransition, "State transition to restore/next failed: not a SnapStart environment at the end of its init.").ConfigureAwait(false);
                break;
            default:
                if (!ctx.RequestAborted.IsCancellationRequested)
                {
                    await WriteStatusAsync(ctx, 500, ShuttingDownErrorType, "The execution environment is shutting down.").ConfigureAwait(false);
                }

                break;
        }
    }

    private static async Task RestoreErrorAsync(HttpContext ctx, ExecutionEnvironment? env)
    {
        var (body, errorType) = await ReadErrorAsync(ctx).ConfigureAwait(false);
        if (env is null || !env.ReportRestoreError(body, errorType))
        {
            await WriteStatusAsync(ctx, 403, Api.ErrorTypes.InvalidStateTransition, "State transition to RestoreError failed: no restore is in progress.").ConfigureAwait(false);
            return;
        }

        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    private static async Task NextAsync(HttpContext ctx, ExecutionEnvironment? env)
    {
        if (env is null)
        {
            await WriteStatusAsync(ctx, 500, "Runtime.NoEnvironment", "This Runtime API serves no environment.").ConfigureAwait(false);
            return;
        }
        var delivery = await env.NextAsync(ctx.RequestAborted).ConfigureAwait(false);
        if (delivery is null)
        {
            if (!ctx.RequestAborted.IsCancellationRequested)
            {
                await WriteStatusAsync(ctx, 500, ShuttingDownErrorType, "The execution environment is shutting down.").ConfigureAwait(false);
            }

            return;
        }
        var message = delivery.Message;
        var headers = ctx.Response.Headers;
        headers[Api.Headers.AwsRequestId] = message.RequestId;
        headers[Api.Headers.DeadlineMs] = message.DeadlineMs.ToString(CultureInfo.InvariantCulture);
        headers[Api.Headers.InvokedFunctionArn] = message.InvokedFunctionArn;
        headers[Api.Headers.TraceId] = message.TraceHeader;
        if (!string.IsNullOrEmpty(message.ClientContext))
        {
            headers[Api.Headers.ClientContext] = message.ClientContext;
        }

        ctx.Response.ContentType = Api.JsonContentType;
        ctx.Response.ContentLength = message.Payload.Length;
        await ctx.Response.Body.WriteAsync(message.Payload, ctx.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ResponseAsync(HttpContext ctx, ExecutionEnvironment? env, string requestId)
    {
        if (Resolve(env, requestId) is not { } inv)
        {
            await WriteStatusAsync(ctx, 400, Api.ErrorTypes.InvalidRequestId, $"Invalid request ID: {requestId}").ConfigureAwait(false);
            return;
        }
        var streaming = string.Equals(ctx.Request.Headers[Api.Headers.FunctionResponseMode], Api.StreamingResponseMode, StringComparison.OrdinalIgnoreCase);
        var contentType = ctx.Request.ContentType ?? Api.JsonContentType;
        if (streaming)
        {
            await StreamResponseAsync(ctx, env!, inv, contentType).ConfigureAwait(false);
            return;
        }
        var body = await ReadLimitedAsync(ctx.Request.BodyReader, LambdaLimits.MaxBufferedResponseBytes, ctx.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            env!.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Error, LambdaErrorTypes.ResponseSizeTooLarge),
                InvocationResponse.Function(ErrorDocument.Write(LambdaErrorTypes.ResponseSizeTooLarge, ResponseTooLargeMessage), LambdaErrorTypes.ResponseSizeTooLarge));
            await WriteStatusAsync(ctx, 413, Api.ErrorTypes.RequestEntityTooLarge, $"Exceeded maximum allowed payload size ({LambdaLimits.MaxBufferedResponseBytes} bytes).").ConfigureAwait(false);
            return;
        }
        env!.CompleteInvocation(inv, InvocationOutcome.Success,
            new InvocationResponse(ResponseKind.Success, contentType, body, null, null));
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    /// <summary>Response streaming: chunks go to the caller as they arrive; errors come as HTTP trailers.</summary>
    private static async Task StreamResponseAsync(HttpContext ctx, ExecutionEnvironment env, Delivery inv, string contentType)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        inv.Completion.TryRespond(new InvocationResponse(ResponseKind.Success, contentType, null, pipe.Reader, null));
        var reader = ctx.Request.BodyReader;
        long total = 0;
        var consumerGone = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ctx.RequestAborted).ConfigureAwait(false);
                var buffer = result.Buffer;
                total += buffer.Length;
                if (!consumerGone && total <= LambdaLimits.MaxStreamedResponseBytes)
                {
                    foreach (var segment in buffer)
                    {
                        pipe.Writer.Write(segment.Span);
                    }

                    var flush = await pipe.Writer.FlushAsync().ConfigureAwait(false);
                    consumerGone = flush.IsCompleted;
                }
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            await pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            return; // the process is gone or going; its exit ends the invoke
        }

        string? errorType = null;
        var trailers = ctx.Features.Get<IHttpRequestTrailersFeature>();
        if (trailers is { Available: true } && trailers.Trailers.TryGetValue(Api.Headers.FunctionErrorType, out var t) && !string.IsNullOrEmpty(t))
        {
            errorType = t.ToString();
        }

        if (total > LambdaLimits.MaxStreamedResponseBytes)
        {
            errorType = LambdaErrorTypes.ResponseSizeTooLarge;
        }

        if (errorType is null)
        {
            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            env.CompleteInvocation(inv, InvocationOutcome.Success);
        }
        else
        {
            var detail = trailers is { Available: true } && trailers.Trailers.TryGetValue(Api.Headers.FunctionErrorBody, out var b) ? DecodeBase64(b.ToString()) : "";
            await pipe.Writer.CompleteAsync(new IOException($"{errorType}: {detail}")).ConfigureAwait(false);
            env.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Error, errorType));
        }
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    private static async Task ErrorAsync(HttpContext ctx, ExecutionEnvironment? env, string requestId)
    {
        if (Resolve(env, requestId) is not { } inv)
        {
            await WriteStatusAsync(ctx, 400, Api.ErrorTypes.InvalidRequestId, $"Invalid request ID: {requestId}").ConfigureAwait(false);
            return;
        }
        var (body, errorType) = await ReadErrorAsync(ctx).ConfigureAwait(false);
        env!.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Error, errorType), InvocationResponse.Function(body, errorType));
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    private static async Task InitErrorAsync(HttpContext ctx, ExecutionEnvironment? env)
    {
        if (env is null || !env.IsInitializing)
        {
            await WriteStatusAsync(ctx, 403, Api.ErrorTypes.InvalidStateTransition, "State transition from Ready to InitError failed for runtime.").ConfigureAwait(false);
            return;
        }
        var (body, errorType) = await ReadErrorAsync(ctx).ConfigureAwait(false);
        env.ReportInitError(body, errorType);
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    private static Delivery? Resolve(ExecutionEnvironment? env, string requestId) => env?.Resolve(requestId);

    /// <summary>The error document: the body if it is JSON, else one built from the error-type header.</summary>
    private static async Task<(byte[] Body, string ErrorType)> ReadErrorAsync(HttpContext ctx)
    {
        var header = ctx.Request.Headers[Api.Headers.FunctionErrorType].ToString();
        var fallbackType = string.IsNullOrEmpty(header) ? LambdaErrorTypes.Unknown : header;
        var body = await ReadLimitedAsync(ctx.Request.BodyReader, LambdaLimits.MaxBufferedResponseBytes, ctx.RequestAborted).ConfigureAwait(false) ?? [];
        if (!ErrorDocument.IsJson(body))
        {
            return (ErrorDocument.Write(fallbackType, Encoding.UTF8.GetString(body)), fallbackType);
        }

        return (body, ErrorDocument.TryReadErrorType(body) ?? fallbackType);
    }

    /// <summary>Reads the whole body, or returns null once it passes <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadLimitedAsync(PipeReader reader, long limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                await DrainAsync(reader, cancellationToken).ConfigureAwait(false);
                return null;
            }
            if (result.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static async Task DrainAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static string DecodeBase64(string value)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(value)); }
        catch (FormatException) { return value; }
    }

    private static readonly string ResponseTooLargeMessage =
        $"Response payload size exceeded maximum allowed payload size ({LambdaLimits.MaxBufferedResponseBytes} bytes).";

    private static readonly byte[] Accepted = """{"status":"OK"}"""u8.ToArray();

    private static Task WriteAcceptedAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 202;
        ctx.Response.ContentType = Api.JsonContentType;
        ctx.Response.ContentLength = Accepted.Length;
        return ctx.Response.Body.WriteAsync(Accepted).AsTask();
    }

    private static Task WriteStatusAsync(HttpContext ctx, int status, string errorType, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = Api.JsonContentType;
        return ctx.Response.Body.WriteAsync(ErrorDocument.Write(errorType, message)).AsTask();
    }
}
