using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Management;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.InvokeApi;

namespace LlamaAspire.LambdaEmulator.Management;

/// <summary>Contract 3 management API: state for the dashboard, and its commands (force cold start, shut down idle).</summary>
public static class ManagementEndpoints
{
    public static void Map(WebApplication app)
    {
        var json = ManagementJsonContext.Default;
        var group = app.MapGroup(ManagementApi.Prefix);
        group.MapGet("/functions", (Emulator emulator, AsyncInvocations events) =>
            Results.Json(new FunctionsView(emulator.Functions.Values.Select(Describe).ToList(), events.Pending), json.FunctionsView));
        group.MapGet("/functions/{name}", (string name, Emulator emulator) =>
            emulator.Functions.TryGetValue(name, out var f) ? Results.Json(Describe(f), json.FunctionView) : NotFound(name));
        group.MapPost("/functions/{name}/" + ManagementApi.RecycleCommand, async (string name, Emulator emulator) =>
            emulator.Functions.TryGetValue(name, out var f)
                ? Results.Json(new CommandResult(name, ManagementApi.RecycleCommand, await f.RecycleAsync().ConfigureAwait(false)), json.CommandResult)
                : NotFound(name));
        group.MapPost("/functions/{name}/" + ManagementApi.ShutdownIdleCommand, async (string name, Emulator emulator) =>
            emulator.Functions.TryGetValue(name, out var f)
                ? Results.Json(new CommandResult(name, ManagementApi.ShutdownIdleCommand, await f.ShutdownIdleAsync(expiredOnly: false).ConfigureAwait(false)), json.CommandResult)
                : NotFound(name));
    }

    private static IResult NotFound(string name) =>
        Results.Json(new Dictionary<string, string> { ["Type"] = "User", ["message"] = $"Function not found: {name}" }, statusCode: 404);

    public static FunctionView Describe(FunctionPool f)
    {
        var o = f.Options;
        var envs = f.Environments.Select(e => new EnvironmentView(
            e.Id,
            e.Pid,
            StateName(e.State),
            e.Invocations,
            e.RuntimeApi.Address,
            e.StartedAt,
            e.LastUsedAt,
            (long)Math.Ceiling(e.PeakMemoryBytes / (1024.0 * 1024.0)),
            e.Cpus,
            e.Provisioned)).ToList();
        return new FunctionView(
            f.Name,
            f.Arn.ToString(),
            new ConfigView(o.Command, o.Arguments, o.WorkingDirectory, o.MemorySize, o.Timeout, f.ReservedConcurrency, o.IdleTimeout,
                Math.Round(LambdaLimits.VcpusFor(o.MemorySize), 3), f.Emulator.Options.Freeze),
            envs,
            f.InvocationCount,
            f.ColdStartCount,
            f.ErrorCount,
            f.TimeoutCount,
            f.ThrottleCount);
    }

    /// <summary>The lifecycle state as the API names it (a dead one is reported as shutting-down until removed).</summary>
    private static string StateName(EnvironmentState state) => state switch
    {
        EnvironmentState.Initializing => EnvironmentStateNames.Initializing,
        EnvironmentState.Busy => EnvironmentStateNames.Busy,
        EnvironmentState.Frozen => EnvironmentStateNames.Frozen,
        EnvironmentState.Idle => EnvironmentStateNames.Warm,
        EnvironmentState.Snapshotted => EnvironmentStateNames.Snapshotted,
        EnvironmentState.Restoring => EnvironmentStateNames.Restoring,
        _ => EnvironmentStateNames.ShuttingDown,
    };
}
