using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.RuntimeApi;
using Api = LlamaAspire.LambdaContracts.InvokeApi;

namespace LlamaAspire.LambdaEmulator.InvokeApi;

/// <summary>A checked invoke: the function, the request, and its invocation type.</summary>
public sealed record ReadInvoke(FunctionPool Function, InvokeRequest Request, string InvocationType);

/// <summary>
/// What Invoke and InvokeWithResponseStream check alike, in Lambda's order and words: the function (name, ARN, qualifier), the
/// invocation type, the payload limit, JSON, the client context. Sets <c>x-amzn-RequestId</c> (the invocation's request id).
/// </summary>
public static class InvokeRequestReader
{
    /// <summary>The checked invoke, or null when the caller has been answered with the error.</summary>
    public static async Task<ReadInvoke?> ReadAsync(HttpContext ctx, string name, Emulator emulator, bool allowEvent)
    {
        var requestId = Guid.NewGuid().ToString();
        ctx.Response.Headers[Api.Headers.RequestId] = requestId;
        var qualifier = ctx.Request.Query["Qualifier"].ToString();
        name = FunctionArn.NameOf(name);
        if (!emulator.Functions.TryGetValue(name, out var function) || (qualifier.Length > 0 && qualifier != Api.LatestVersion))
        {
            var arn = FunctionArn.For(emulator.Options.Region, emulator.Options.AccountId, name).WithQualifier(qualifier.Length > 0 ? qualifier : null);
            await AwsErrors.NotFoundAsync(ctx, arn.ToString()).ConfigureAwait(false);
            return null;
        }

        var type = ctx.Request.Headers[Api.Headers.InvocationType].ToString();
        if (type.Length == 0)
        {
            type = Api.InvocationTypes.RequestResponse;
        }

        string[] allowed = allowEvent
            ? [Api.InvocationTypes.Event, Api.InvocationTypes.RequestResponse, Api.InvocationTypes.DryRun]
            : [Api.InvocationTypes.RequestResponse, Api.InvocationTypes.DryRun];
        if (!allowed.Contains(type, StringComparer.Ordinal))
        {
            await AwsErrors.InvalidParameterAsync(ctx, $"1 validation error detected: Value '{type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]").ConfigureAwait(false);
            return null;
        }

        var limit = type == Api.InvocationTypes.Event ? LambdaLimits.MaxEventPayloadBytes : LambdaLimits.MaxSyncRequestBytes;
        if (ctx.Request.ContentLength > limit)
        {
            await AwsErrors.TooLargeAsync(ctx, limit).ConfigureAwait(false);
            return null;
        }

        var payload = await RuntimeApiEndpoints.ReadLimitedAsync(ctx.Request.BodyReader, limit - 1, ctx.RequestAborted).ConfigureAwait(false);
        if (payload is null)
        {
            await AwsErrors.TooLargeAsync(ctx, limit).ConfigureAwait(false);
            return null;
        }

        if (payload.Length == 0)
        {
            payload = "{}"u8.ToArray();
        }
        else if (!IsJson(payload, out var error))
        {
            await AwsErrors.InvalidContentAsync(ctx, $"Could not parse request body into json: {error}").ConfigureAwait(false);
            return null;
        }

        string? clientContext = null;
        if (ctx.Request.Headers[Api.Headers.ClientContext].ToString() is { Length: > 0 } cc)
        {
            try { clientContext = Encoding.UTF8.GetString(Convert.FromBase64String(cc)); }
            catch (FormatException)
            {
                await AwsErrors.InvalidParameterAsync(ctx, "Client context must be a valid Base64-encoded JSON object.").ConfigureAwait(false);
                return null;
            }
        }

        var request = new InvokeRequest(requestId, payload, FaasAttributes.Triggers.Other)
        {
            ClientContext = clientContext,
            TailLog = string.Equals(ctx.Request.Headers[Api.Headers.LogType], Api.TailLogType, StringComparison.OrdinalIgnoreCase),
            ParentContext = Activity.Current?.Context ?? default,
        };
        return new ReadInvoke(function, request, type);
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
