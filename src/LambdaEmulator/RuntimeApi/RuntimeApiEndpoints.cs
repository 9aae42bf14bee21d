using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaEmulator.Environments;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaAspire.LambdaEmulator.RuntimeApi;

/// <summary>The Lambda Runtime API (2018-06-01) as AWS specifies it, for one execution environment.</summary>
public static class RuntimeApiEndpoints
{
    /// <summary>Buffered response limit (Lambda: 6,291,556 bytes), beyond which /response answers 413.</summary>
    public const int MaxResponseBytes = 6_291_556;

    /// <summary>Streamed response limit (200 MB).</summary>
    public const long MaxStreamedBytes = 200L * 1024 * 1024;

    private const string Prefix = "/2018-06-01/runtime";
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private const string ErrorBodyTrailer = "Lambda-Runtime-Function-Error-Body";

    public static void Map(WebApplication app, Func<ExecutionEnvironment?> target)
    {
        app.MapGet(Prefix + "/invocation/next", (HttpContext ctx) => NextAsync(ctx, target()));
        app.MapPost(Prefix + "/invocation/{requestId}/response", (HttpContext ctx, string requestId) => ResponseAsync(ctx, target(), requestId));
        app.MapPost(Prefix + "/invocation/{requestId}/error", (HttpContext ctx, string requestId) => ErrorAsync(ctx, target(), requestId));
        app.MapPost(Prefix + "/init/error", (HttpContext ctx) => InitErrorAsync(ctx, target()));
    }

    private static async Task NextAsync(HttpContext ctx, ExecutionEnvironment? env)
    {
        if (env is null)
        {
            await WriteStatusAsync(ctx, 500, "Runtime.NoEnvironment", "This Runtime API serves no environment.").ConfigureAwait(false);
            return;
        }
        var inv = await env.NextAsync(ctx.RequestAborted).ConfigureAwait(false);
        if (inv is null)
        {
            if (!ctx.RequestAborted.IsCancellationRequested)
                await WriteStatusAsync(ctx, 500, "Runtime.ShuttingDown", "The execution environment is shutting down.").ConfigureAwait(false);
            return;
        }
        var headers = ctx.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = inv.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = inv.DeadlineMs.ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = inv.InvokedFunctionArn;
        headers["Lambda-Runtime-Trace-Id"] = inv.TraceHeader;
        if (!string.IsNullOrEmpty(inv.ClientContext))
            headers["Lambda-Runtime-Client-Context"] = inv.ClientContext;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = inv.Payload.Length;
        await ctx.Response.Body.WriteAsync(inv.Payload, ctx.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ResponseAsync(HttpContext ctx, ExecutionEnvironment? env, string requestId)
    {
        if (Resolve(env, requestId) is not { } inv)
        {
            await WriteStatusAsync(ctx, 400, "InvalidRequestID", $"Invalid request ID: {requestId}").ConfigureAwait(false);
            return;
        }
        var streaming = string.Equals(ctx.Request.Headers["Lambda-Runtime-Function-Response-Mode"], "streaming", StringComparison.OrdinalIgnoreCase);
        var contentType = ctx.Request.ContentType ?? "application/json";
        if (streaming)
        {
            await StreamResponseAsync(ctx, env!, inv, contentType).ConfigureAwait(false);
            return;
        }
        var body = await ReadLimitedAsync(ctx.Request.BodyReader, MaxResponseBytes, ctx.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            const string message = "Response payload size exceeded maximum allowed payload size (6291556 bytes).";
            env!.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Error, "Function.ResponseSizeTooLarge"),
                new InvocationResponse(ResponseKind.FunctionError, "application/json",
                    Invocation.ErrorBody("Function.ResponseSizeTooLarge", message), null, "Function.ResponseSizeTooLarge"));
            await WriteStatusAsync(ctx, 413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (6291556 bytes).").ConfigureAwait(false);
            return;
        }
        env!.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Success, null),
            new InvocationResponse(ResponseKind.Success, contentType, body, null, null));
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    /// <summary>Response streaming: chunks go to the caller as they arrive; errors come as HTTP trailers.</summary>
    private static async Task StreamResponseAsync(HttpContext ctx, ExecutionEnvironment env, Invocation inv, string contentType)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        inv.Response.TrySetResult(new InvocationResponse(ResponseKind.Success, contentType, null, pipe.Reader, null));
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
                if (!consumerGone && total <= MaxStreamedBytes)
                {
                    foreach (var segment in buffer)
                        pipe.Writer.Write(segment.Span);
                    var flush = await pipe.Writer.FlushAsync().ConfigureAwait(false);
                    consumerGone = flush.IsCompleted;
                }
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            await pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            return; // the process is gone or going; its exit ends the invoke
        }

        string? errorType = null;
        var trailers = ctx.Features.Get<IHttpRequestTrailersFeature>();
        if (trailers is { Available: true } && trailers.Trailers.TryGetValue(ErrorTypeHeader, out var t) && !string.IsNullOrEmpty(t))
            errorType = t.ToString();
        if (total > MaxStreamedBytes)
            errorType = "Function.ResponseSizeTooLarge";
        if (errorType is null)
        {
            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            env.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Success, null));
        }
        else
        {
            var detail = trailers is { Available: true } && trailers.Trailers.TryGetValue(ErrorBodyTrailer, out var b) ? DecodeBase64(b.ToString()) : "";
            await pipe.Writer.CompleteAsync(new IOException($"{errorType}: {detail}")).ConfigureAwait(false);
            env.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Error, errorType));
        }
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    private static async Task ErrorAsync(HttpContext ctx, ExecutionEnvironment? env, string requestId)
    {
        if (Resolve(env, requestId) is not { } inv)
        {
            await WriteStatusAsync(ctx, 400, "InvalidRequestID", $"Invalid request ID: {requestId}").ConfigureAwait(false);
            return;
        }
        var (body, errorType) = await ReadErrorAsync(ctx).ConfigureAwait(false);
        env!.CompleteInvocation(inv, new InvocationOutcome(InvocationStatus.Error, errorType),
            new InvocationResponse(ResponseKind.FunctionError, "application/json", body, null, errorType));
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    private static async Task InitErrorAsync(HttpContext ctx, ExecutionEnvironment? env)
    {
        if (env is null || !env.IsInitializing)
        {
            await WriteStatusAsync(ctx, 403, "InvalidStateTransition", "State transition from Ready to InitError failed for runtime.").ConfigureAwait(false);
            return;
        }
        var (body, errorType) = await ReadErrorAsync(ctx).ConfigureAwait(false);
        env.ReportInitError(body, errorType);
        await WriteAcceptedAsync(ctx).ConfigureAwait(false);
    }

    private static Invocation? Resolve(ExecutionEnvironment? env, string requestId) =>
        env?.Current is { } inv && inv.RequestId == requestId && !inv.Done.Task.IsCompleted ? inv : null;

    /// <summary>The error document: the body if it is JSON, else one built from the error-type header.</summary>
    private static async Task<(byte[] Body, string ErrorType)> ReadErrorAsync(HttpContext ctx)
    {
        var header = ctx.Request.Headers[ErrorTypeHeader].ToString();
        var body = await ReadLimitedAsync(ctx.Request.BodyReader, MaxResponseBytes, ctx.RequestAborted).ConfigureAwait(false) ?? [];
        string? type = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errorType", out var et) && et.ValueKind == JsonValueKind.String)
                type = et.GetString();
        }
        catch (JsonException)
        {
            var text = Encoding.UTF8.GetString(body);
            body = Invocation.ErrorBody(string.IsNullOrEmpty(header) ? "Runtime.Unknown" : header, text);
        }
        type ??= string.IsNullOrEmpty(header) ? "Runtime.Unknown" : header;
        return (body, type);
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
                return;
        }
    }

    private static string DecodeBase64(string value)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(value)); }
        catch (FormatException) { return value; }
    }

    private static readonly byte[] Accepted = """{"status":"OK"}"""u8.ToArray();

    private static Task WriteAcceptedAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 202;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = Accepted.Length;
        return ctx.Response.Body.WriteAsync(Accepted).AsTask();
    }

    private static Task WriteStatusAsync(HttpContext ctx, int status, string errorType, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.Body.WriteAsync(Invocation.ErrorBody(errorType, message)).AsTask();
    }
}
