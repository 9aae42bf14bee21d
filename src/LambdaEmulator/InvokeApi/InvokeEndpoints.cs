using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.RuntimeApi;
using Api = LlamaAspire.LambdaContracts.InvokeApi;

namespace LlamaAspire.LambdaEmulator.InvokeApi;

using RuntimeApi = LlamaAspire.LambdaContracts.RuntimeApi;

/// <summary>
/// <c>POST /2015-03-31/functions/{name}/invocations</c>: RequestResponse, Event (queued, 202) and DryRun (204),
/// Log Tail, Client-Context, and Lambda's status codes and error shapes.
/// </summary>
public static class InvokeEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapPost(Api.InvokeRoute, InvokeAsync);

    private static async Task InvokeAsync(HttpContext ctx, string name, Emulator emulator, AsyncInvocations events)
    {
        if (await InvokeRequestReader.ReadAsync(ctx, name, emulator, allowEvent: true).ConfigureAwait(false) is not { } read)
        {
            return;
        }

        var (function, request, type) = read;
        if (type == Api.InvocationTypes.DryRun)
        {
            ctx.Response.StatusCode = 204;
            return;
        }

        if (type == Api.InvocationTypes.Event)
        {
            events.Enqueue(function, request.Payload, request.ClientContext, request.ParentContext, request.RequestId);
            ctx.Response.StatusCode = 202;
            return;
        }

        InvokeCompletion invocation;
        try
        {
            invocation = function.StartInvoke(request);
        }
        catch (ThrottledException ex)
        {
            await AwsErrors.ThrottledAsync(ctx, ex.Reason).ConfigureAwait(false);
            return;
        }

        var response = await invocation.Response.ConfigureAwait(false);
        byte[] body;
        var functionError = response.IsError;
        if (response.Stream is { } stream)
        {
            // Invoke (not InvokeWithResponseStream) buffers a streamed response.
            try
            {
                body = await RuntimeApiEndpoints.ReadLimitedAsync(stream, LambdaLimits.MaxBufferedResponseBytes, ctx.RequestAborted).ConfigureAwait(false)
                    ?? ErrorDocument.Write(LambdaErrorTypes.ResponseSizeTooLarge,
                        $"Response payload size exceeded maximum allowed payload size ({LambdaLimits.MaxBufferedResponseBytes} bytes).");
            }
            catch (IOException)
            {
                var result = await invocation.Completed.ConfigureAwait(false);
                body = ErrorDocument.Write(result.Outcome.ErrorType ?? LambdaErrorTypes.Unknown, "The function reported an error while streaming its response.");
                functionError = true;
            }
            await stream.CompleteAsync().ConfigureAwait(false);
        }
        else
        {
            body = response.Body ?? [];
        }

        if (request.TailLog)
        {
            var result = await invocation.Completed.ConfigureAwait(false);
            ctx.Response.Headers[Api.Headers.LogResult] = result.LogTail;
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.Headers[Api.Headers.ExecutedVersion] = Api.LatestVersion;
        if (functionError)
        {
            ctx.Response.Headers[Api.Headers.FunctionError] = Api.UnhandledFunctionError;
        }

        ctx.Response.ContentType = RuntimeApi.JsonContentType;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }
}
