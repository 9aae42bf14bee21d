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
        // As Lambda does, x-amzn-RequestId is the invocation's request id (the function's AwsRequestId).
        var requestId = Guid.NewGuid().ToString();
        ctx.Response.Headers[Api.Headers.RequestId] = requestId;
        var qualifier = ctx.Request.Query["Qualifier"].ToString();
        name = FunctionArn.NameOf(name);
        if (!emulator.Functions.TryGetValue(name, out var function) || (qualifier.Length > 0 && qualifier != Api.LatestVersion))
        {
            var arn = FunctionArn.For(emulator.Options.Region, emulator.Options.AccountId, name).WithQualifier(qualifier.Length > 0 ? qualifier : null);
            await AwsErrors.NotFoundAsync(ctx, arn.ToString()).ConfigureAwait(false);
            return;
        }

        var type = ctx.Request.Headers[Api.Headers.InvocationType].ToString();
        if (type.Length == 0)
        {
            type = Api.InvocationTypes.RequestResponse;
        }

        if (type is not (Api.InvocationTypes.RequestResponse or Api.InvocationTypes.Event or Api.InvocationTypes.DryRun))
        {
            await AwsErrors.InvalidParameterAsync(ctx, $"1 validation error detected: Value '{type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]").ConfigureAwait(false);
            return;
        }
        var limit = type == Api.InvocationTypes.Event ? LambdaLimits.MaxEventPayloadBytes : LambdaLimits.MaxSyncRequestBytes;
        if (ctx.Request.ContentLength > limit)
        {
            await AwsErrors.TooLargeAsync(ctx, limit).ConfigureAwait(false);
            return;
        }
        var payload = await RuntimeApiEndpoints.ReadLimitedAsync(ctx.Request.BodyReader, limit - 1, ctx.RequestAborted).ConfigureAwait(false);
        if (payload is null)
        {
            await AwsErrors.TooLargeAsync(ctx, limit).ConfigureAwait(false);
            return;
        }
        if (payload.Length == 0)
        {
            payload = "{}"u8.ToArray();
        }
        else if (!IsJson(payload, out var error))
        {
            await AwsErrors.InvalidContentAsync(ctx, $"Could not parse request body into json: {error}").ConfigureAwait(false);
            return;
        }

        string? clientContext = null;
        if (ctx.Request.Headers[Api.Headers.ClientContext].ToString() is { Length: > 0 } cc)
        {
            try { clientContext = Encoding.UTF8.GetString(Convert.FromBase64String(cc)); }
            catch (FormatException)
            {
                await AwsErrors.InvalidParameterAsync(ctx, "Client context must be a valid Base64-encoded JSON object.").ConfigureAwait(false);
                return;
            }
        }

        if (type == Api.InvocationTypes.DryRun)
        {
            ctx.Response.StatusCode = 204;
            return;
        }
        var parent = Activity.Current?.Context ?? default;
        if (type == Api.InvocationTypes.Event)
        {
            events.Enqueue(function, payload, clientContext, parent, requestId);
            ctx.Response.StatusCode = 202;
            return;
        }

        var tail = string.Equals(ctx.Request.Headers[Api.Headers.LogType], Api.TailLogType, StringComparison.OrdinalIgnoreCase);
        var request = new InvokeRequest(requestId, payload, FaasAttributes.Triggers.Other)
        {
            ClientContext = clientContext,
            TailLog = tail,
            ParentContext = parent,
        };
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

        if (tail)
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

    private static bool IsJson(byte[] payload, out string? error)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { AllowTrailingCommas = false });
            while (reader.Read()) { }
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }
    }
}
