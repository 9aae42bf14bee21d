using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.InvokeApi;
using static LlamaAspire.LambdaEmulator.ControlPlane.ControlPlaneResponses;

namespace LlamaAspire.LambdaEmulator.ControlPlane;

/// <summary>Put/Get/DeleteFunctionConcurrency and GetAccountSettings: reserved concurrency is the limit the Invoke API throttles at.</summary>
public static class ConcurrencyEndpoints
{
    private static readonly FunctionsJsonContext Json = FunctionsJsonContext.Default;

    public static void Map(WebApplication app)
    {
        app.MapPut(FunctionsApi.ConcurrencyRoute, PutAsync);
        app.MapGet(FunctionsApi.GetConcurrencyRoute, async (HttpContext ctx, string name, Emulator emulator) =>
        {
            if (await FindAsync(ctx, name, emulator).ConfigureAwait(false) is { } f)
            {
                await JsonAsync(ctx, new FunctionConcurrency(f.ReservedConcurrency), Json.FunctionConcurrency).ConfigureAwait(false);
            }
        });
        app.MapDelete(FunctionsApi.ConcurrencyRoute, async (HttpContext ctx, string name, Emulator emulator) =>
        {
            if (await FindAsync(ctx, name, emulator).ConfigureAwait(false) is { } f)
            {
                f.SetReservedConcurrency(null);
                ctx.Response.StatusCode = 204;
            }
        });
        app.MapGet(FunctionsApi.AccountSettingsRoute, AccountSettingsAsync);
    }

    private static async Task PutAsync(HttpContext ctx, string name, Emulator emulator)
    {
        if (await FindAsync(ctx, name, emulator).ConfigureAwait(false) is not { } f
            || await ReadAsync(ctx, Json.FunctionConcurrency).ConfigureAwait(false) is not { } request)
        {
            return;
        }

        if (request.ReservedConcurrentExecutions is not { } reserved || reserved < 0)
        {
            await ValidationAsync(ctx, [$"Value '{request.ReservedConcurrentExecutions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0"]).ConfigureAwait(false);
            return;
        }

        // Lambda keeps MinUnreservedConcurrency of the account for functions without a reservation.
        var othersReserved = emulator.Functions.Values.Where(o => o != f).Sum(o => o.ReservedConcurrency ?? 0);
        var available = emulator.Options.AccountConcurrency - FunctionsApi.MinUnreservedConcurrency - othersReserved;
        if (reserved > available)
        {
            await AwsErrors.InvalidParameterAsync(ctx, $"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{FunctionsApi.MinUnreservedConcurrency}].").ConfigureAwait(false);
            return;
        }

        f.SetReservedConcurrency(reserved);
        await JsonAsync(ctx, new FunctionConcurrency(reserved), Json.FunctionConcurrency).ConfigureAwait(false);
    }

    private static Task AccountSettingsAsync(HttpContext ctx, Emulator emulator)
    {
        var functions = emulator.Functions.Values.ToList();
        var account = emulator.Options.AccountConcurrency;
        var unreserved = account - functions.Sum(f => f.ReservedConcurrency ?? 0);
        var settings = new AccountSettings(
            new AccountLimit(LambdaLimits.TotalCodeStorageBytes, LambdaLimits.MaxUnzippedCodeBytes, LambdaLimits.MaxZipUploadBytes, account, unreserved),
            new AccountUsage(functions.Sum(f => f.Code.Size), functions.Count));
        return JsonAsync(ctx, settings, Json.AccountSettings);
    }
}
