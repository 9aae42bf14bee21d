using System.Globalization;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.InvokeApi;
using static LlamaAspire.LambdaEmulator.ControlPlane.ControlPlaneResponses;

namespace LlamaAspire.LambdaEmulator.ControlPlane;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;

/// <summary>
/// Put/Get/Delete/ListProvisionedConcurrencyConfig(s). Lambda ties the setting to an alias or version (<c>Qualifier</c>); the
/// emulator runs one version of each function, so the qualifier is recorded and echoed, and the setting applies to the function.
/// </summary>
public static class ProvisionedConcurrencyEndpoints
{
    private static readonly FunctionsJsonContext Json = FunctionsJsonContext.Default;

    public static void Map(WebApplication app)
    {
        app.MapPut(FunctionsApi.ProvisionedConcurrencyRoute, PutAsync);
        app.MapGet(FunctionsApi.ProvisionedConcurrencyRoute, GetAsync);
        app.MapDelete(FunctionsApi.ProvisionedConcurrencyRoute, async (HttpContext ctx, string name, Emulator emulator) =>
        {
            if (await FindAsync(ctx, name, emulator, anyQualifier: true).ConfigureAwait(false) is { } f)
            {
                f.SetProvisionedConcurrency(0, null);
                ctx.Response.StatusCode = 204;
            }
        });
    }

    private static async Task PutAsync(HttpContext ctx, string name, Emulator emulator)
    {
        if (await FindAsync(ctx, name, emulator, anyQualifier: true).ConfigureAwait(false) is not { } f
            || await ReadAsync(ctx, Json.PutProvisionedConcurrencyRequest).ConfigureAwait(false) is not { } request)
        {
            return;
        }

        if (request.ProvisionedConcurrentExecutions is not { } count || count < 1)
        {
            await ValidationAsync(ctx, [$"Value '{request.ProvisionedConcurrentExecutions?.ToString(CultureInfo.InvariantCulture) ?? "null"}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1"]).ConfigureAwait(false);
            return;
        }

        if (f.ReservedConcurrency is { } reserved && count > reserved)
        {
            await AwsErrors.InvalidParameterAsync(ctx, $"Requested Provisioned Concurrency ({count}) should not be greater than the reservedConcurrentExecution ({reserved}) for function.").ConfigureAwait(false);
            return;
        }

        f.SetProvisionedConcurrency(count, ctx.Request.Query[FunctionsApi.QualifierParameter].FirstOrDefault());
        await JsonAsync(ctx, f.DescribeProvisioned()! with { FunctionArn = null }, Json.ProvisionedConcurrencyConfig, status: 202).ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext ctx, string name, Emulator emulator)
    {
        if (await FindAsync(ctx, name, emulator, anyQualifier: true).ConfigureAwait(false) is not { } f)
        {
            return;
        }

        var config = f.DescribeProvisioned();
        if (ctx.Request.Query.ContainsKey("List"))
        {
            await JsonAsync(ctx, new ProvisionedConcurrencyConfigList(config is null ? [] : [config]), Json.ProvisionedConcurrencyConfigList).ConfigureAwait(false);
            return;
        }

        if (config is null)
        {
            await AwsErrors.WriteAsync(ctx, 404, InvokeApi.Exceptions.ProvisionedConcurrencyConfigNotFound, $"No Provisioned Concurrency Config found for this function: {f.Arn}").ConfigureAwait(false);
            return;
        }

        await JsonAsync(ctx, config with { FunctionArn = null }, Json.ProvisionedConcurrencyConfig).ConfigureAwait(false);
    }
}
