using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.InvokeApi;

namespace LlamaAspire.LambdaEmulator.ControlPlane;

/// <summary>What every control-plane handler does alike: find the function named in the path, and answer REST-JSON.</summary>
internal static class ControlPlaneResponses
{
    /// <summary>
    /// The function a path's <c>{name}</c> (a name or ARN, with an optional <c>Qualifier</c>: <c>$LATEST</c>, the one version
    /// the emulator runs, unless <paramref name="anyQualifier"/> lets a call name an alias the emulator only records) names;
    /// null after a 404.
    /// </summary>
    public static async Task<FunctionPool?> FindAsync(HttpContext ctx, string name, Emulator emulator, bool anyQualifier = false)
    {
        var qualifier = ctx.Request.Query["Qualifier"].ToString();
        var functionName = FunctionArn.NameOf(name);
        if (emulator.Functions.TryGetValue(functionName, out var function) && (anyQualifier || qualifier.Length == 0 || qualifier == LambdaContracts.InvokeApi.LatestVersion))
        {
            return function;
        }

        var arn = FunctionArn.For(emulator.Options.Region, emulator.Options.AccountId, functionName).WithQualifier(qualifier.Length > 0 ? qualifier : null);
        await AwsErrors.NotFoundAsync(ctx, arn.ToString()).ConfigureAwait(false);
        return null;
    }

    public static Task JsonAsync<T>(HttpContext ctx, T value, JsonTypeInfo<T> type, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = LambdaContracts.RuntimeApi.JsonContentType;
        return ctx.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(value, type)).AsTask();
    }

    /// <summary>Reads a JSON body; null after a 400 that says what is wrong with it.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext ctx, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(ctx.Request.Body, type, ctx.RequestAborted).ConfigureAwait(false);
            if (value is not null)
            {
                return value;
            }

            await AwsErrors.InvalidParameterAsync(ctx, "The request body must be a JSON object.").ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await AwsErrors.InvalidContentAsync(ctx, $"Could not parse request body into json: {ex.Message}").ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Lambda's validation error: "N validation error(s) detected: …; …".</summary>
    public static Task ValidationAsync(HttpContext ctx, IReadOnlyList<string> errors) =>
        AwsErrors.InvalidParameterAsync(ctx, $"{errors.Count} validation error{(errors.Count == 1 ? "" : "s")} detected: {string.Join("; ", errors)}");
}
