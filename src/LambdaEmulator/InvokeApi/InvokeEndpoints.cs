using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.RuntimeApi;

namespace LlamaAspire.LambdaEmulator.InvokeApi;

/// <summary>
/// <c>POST /2015-03-31/functions/{name}/invocations</c>: RequestResponse, Event (queued, 202) and DryRun (204),
/// Log Tail, Client-Context, and Lambda's status codes and error shapes.
/// </summary>
public static class InvokeEndpoints
{
    public const int MaxSyncPayload = 6_291_456;
    public const int MaxEventPayload = 1_048_576;

    public static void Map(WebApplication app) =>
        app.MapPost("/2015-03-31/functions/{name}/invocations", InvokeAsync);

    private static async Task InvokeAsync(HttpContext ctx, string name, Emulator emulator, EventQueue events)
    {
        // As Lambda does, x-amzn-RequestId is the invocation's request id (the function's AwsRequestId).
        var requestId = Guid.NewGuid().ToString();
        ctx.Response.Headers["x-amzn-RequestId"] = requestId;
        var qualifier = ctx.Request.Query["Qualifier"].ToString();
        name = FunctionName(name);
        if (!emulator.Functions.TryGetValue(name, out var function) || (qualifier.Length > 0 && qualifier != "$LATEST"))
        {
            var arn = $"arn:aws:lambda:{emulator.Options.Region}:{emulator.Options.AccountId}:function:{name}";
            await AwsErrors.NotFoundAsync(ctx, qualifier.Length > 0 ? $"{arn}:{qualifier}" : arn).ConfigureAwait(false);
            return;
        }

        var type = ctx.Request.Headers["X-Amz-Invocation-Type"].ToString();
        if (type.Length == 0)
            type = "RequestResponse";
        if (type is not ("RequestResponse" or "Event" or "DryRun"))
        {
            await AwsErrors.InvalidParameterAsync(ctx, $"1 validation error detected: Value '{type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]").ConfigureAwait(false);
            return;
        }
        var limit = type == "Event" ? MaxEventPayload : MaxSyncPayload;
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
            payload = "{}"u8.ToArray();
        else if (!IsJson(payload, out var error))
        {
            await AwsErrors.InvalidContentAsync(ctx, $"Could not parse request body into json: {error}").ConfigureAwait(false);
            return;
        }

        string? clientContext = null;
        if (ctx.Request.Headers["X-Amz-Client-Context"].ToString() is { Length: > 0 } cc)
        {
            try { clientContext = Encoding.UTF8.GetString(Convert.FromBase64String(cc)); }
            catch (FormatException)
            {
                await AwsErrors.InvalidParameterAsync(ctx, "Client context must be a valid Base64-encoded JSON object.").ConfigureAwait(false);
                return;
            }
        }

        if (type == "DryRun")
        {
            ctx.Response.StatusCode = 204;
            return;
        }
        var parent = Activity.Current?.Context ?? default;
        if (type == "Event")
        {
            events.Enqueue(function, payload, clientContext, parent, requestId);
            ctx.Response.StatusCode = 202;
            return;
        }

        var tail = string.Equals(ctx.Request.Headers["X-Amz-Log-Type"], "Tail", StringComparison.OrdinalIgnoreCase);
        var invocation = new Invocation(payload, "other", requestId)
        {
            ClientContext = clientContext,
            CollectLog = tail,
            ParentContext = parent,
        };
        Task run;
        try
        {
            run = function.StartInvoke(invocation);
        }
        catch (ThrottledException ex)
        {
            await AwsErrors.ThrottledAsync(ctx, ex.Reason).ConfigureAwait(false);
            return;
        }

        var response = await invocation.Response.Task.ConfigureAwait(false);
        byte[] body;
        var functionError = response.IsError;
        if (response.Stream is { } stream)
        {
            // Invoke (not InvokeWithResponseStream) buffers a streamed response.
            try
            {
                body = await RuntimeApiEndpoints.ReadLimitedAsync(stream, RuntimeApiEndpoints.MaxResponseBytes, ctx.RequestAborted).ConfigureAwait(false)
                    ?? Invocation.ErrorBody("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
            }
            catch (IOException)
            {
                var outcome = await invocation.Done.Task.ConfigureAwait(false);
                body = Invocation.ErrorBody(outcome.ErrorType ?? "Runtime.Unknown", "The function reported an error while streaming its response.");
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
            await invocation.Done.Task.ConfigureAwait(false);
            await run.ConfigureAwait(false);
            ctx.Response.Headers["X-Amz-Log-Result"] = invocation.LogTail();
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (functionError)
            ctx.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The Invoke API accepts a name, a partial ARN (account:function:name) or a full ARN.</summary>
    private static string FunctionName(string name)
    {
        var parts = name.Split(':');
        var i = Array.IndexOf(parts, "function");
        return i >= 0 && i + 1 < parts.Length ? parts[i + 1] : name;
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
