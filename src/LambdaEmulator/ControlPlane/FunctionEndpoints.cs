using System.Globalization;
using System.Text;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.InvokeApi;
using static LlamaAspire.LambdaEmulator.ControlPlane.ControlPlaneResponses;
using Exceptions = LlamaAspire.LambdaContracts.InvokeApi.Exceptions;

namespace LlamaAspire.LambdaEmulator.ControlPlane;

/// <summary>ListFunctions, GetFunction, GetFunctionConfiguration and UpdateFunctionConfiguration, as the AWS CLI and SDKs call them.</summary>
public static class FunctionEndpoints
{
    private static readonly FunctionsJsonContext Json = FunctionsJsonContext.Default;

    public static void Map(WebApplication app)
    {
        app.MapGet(FunctionsApi.ListRoute, ListAsync);
        app.MapGet(FunctionsApi.FunctionRoute, async (HttpContext ctx, string name, Emulator emulator) =>
        {
            if (await FindAsync(ctx, name, emulator).ConfigureAwait(false) is { } f)
            {
                await JsonAsync(ctx, FunctionDescriber.Function(f), Json.GetFunctionResponse).ConfigureAwait(false);
            }
        });
        app.MapGet(FunctionsApi.ConfigurationRoute, async (HttpContext ctx, string name, Emulator emulator) =>
        {
            if (await FindAsync(ctx, name, emulator).ConfigureAwait(false) is { } f)
            {
                await JsonAsync(ctx, FunctionDescriber.Configuration(f), Json.FunctionConfiguration).ConfigureAwait(false);
            }
        });
        app.MapPut(FunctionsApi.ConfigurationRoute, UpdateAsync);
    }

    /// <summary>Functions in name order, a page at a time; the marker is the last name of the page before (opaque to callers).</summary>
    private static async Task ListAsync(HttpContext ctx, Emulator emulator)
    {
        var query = ctx.Request.Query;
        var pageSize = FunctionsApi.DefaultPageSize;
        if (query[FunctionsApi.MaxItemsParameter].ToString() is { Length: > 0 } maxItems
            && (!int.TryParse(maxItems, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > FunctionsApi.MaxPageSize))
        {
            await ValidationAsync(ctx, [$"Value '{maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and {FunctionsApi.MaxPageSize}"]).ConfigureAwait(false);
            return;
        }

        string? after = null;
        if (query[FunctionsApi.MarkerParameter].ToString() is { Length: > 0 } marker)
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(marker)); }
            catch (FormatException)
            {
                await AwsErrors.InvalidParameterAsync(ctx, $"Invalid marker '{marker}': pass the NextMarker of the previous page.").ConfigureAwait(false);
                return;
            }
        }

        var names = emulator.Functions.Keys.Order(StringComparer.Ordinal)
            .Where(n => after is null || string.CompareOrdinal(n, after) > 0).Take(pageSize + 1).ToList();
        var page = names.Take(pageSize).Select(n => FunctionDescriber.Configuration(emulator.Functions[n])).ToList();
        var next = names.Count > pageSize ? Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].FunctionName)) : null;
        await JsonAsync(ctx, new ListFunctionsResponse(page, next), Json.ListFunctionsResponse).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(HttpContext ctx, string name, Emulator emulator)
    {
        if (await FindAsync(ctx, name, emulator).ConfigureAwait(false) is not { } f
            || await ReadAsync(ctx, Json.UpdateFunctionConfigurationRequest).ConfigureAwait(false) is not { } request)
        {
            return;
        }

        if (ConfigurationUpdate.Validate(request) is { Count: > 0 } errors)
        {
            await ValidationAsync(ctx, errors).ConfigureAwait(false);
            return;
        }

        try
        {
            f.UpdateConfiguration(options => ConfigurationUpdate.Apply(request, options), request.RevisionId);
        }
        catch (UpdateInProgressException ex)
        {
            await AwsErrors.WriteAsync(ctx, 409, Exceptions.ResourceConflict, ex.Message).ConfigureAwait(false);
            return;
        }
        catch (RevisionMismatchException ex)
        {
            await AwsErrors.WriteAsync(ctx, 412, Exceptions.PreconditionFailed, ex.Message).ConfigureAwait(false);
            return;
        }

        // Like Lambda, the answer is the new configuration with LastUpdateStatus InProgress (unless it already finished).
        await JsonAsync(ctx, FunctionDescriber.Configuration(f), Json.FunctionConfiguration).ConfigureAwait(false);
    }
}
