using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.InvokeApi;

namespace LlamaAspire.LambdaEmulator.Management;

/// <summary>Contract 3 management API: state for the dashboard, and its commands (force cold start, shut down idle).</summary>
public static class ManagementEndpoints
{
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/_emulator");
        group.MapGet("/functions", (Emulator emulator, EventQueue events) =>
            Results.Json(new FunctionsView(emulator.Functions.Values.Select(Describe).ToList(), events.Pending)));
        group.MapGet("/functions/{name}", (string name, Emulator emulator) =>
            emulator.Functions.TryGetValue(name, out var f) ? Results.Json(Describe(f)) : NotFound(name));
        group.MapPost("/functions/{name}/recycle", async (string name, Emulator emulator) =>
            emulator.Functions.TryGetValue(name, out var f)
                ? Results.Json(new CommandResult(name, "recycle", await f.RecycleAsync().ConfigureAwait(false)))
                : NotFound(name));
        group.MapPost("/functions/{name}/shutdown-idle", async (string name, Emulator emulator) =>
            emulator.Functions.TryGetValue(name, out var f)
                ? Results.Json(new CommandResult(name, "shutdown-idle", await f.ShutdownIdleAsync(expiredOnly: false).ConfigureAwait(false)))
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
            StateName(f, e),
            e.Invocations,
            e.RuntimeApi.Address,
            e.StartedAt,
            e.LastUsedAt,
            (long)Math.Ceiling(e.PeakMemoryBytes / (1024.0 * 1024.0)),
            e.Cpus)).ToList();
        return new FunctionView(
            f.Name,
            f.Arn,
            new ConfigView(o.Command, o.Arguments, o.WorkingDirectory, o.MemorySize, o.Timeout, o.ReservedConcurrency, o.IdleTimeout,
                Math.Round(ResourceLimits.VcpuShare(o.MemorySize), 3), f.Emulator.Options.Freeze),
            envs,
            f.InvocationCount,
            f.ColdStartCount,
            f.ErrorCount,
            f.TimeoutCount,
            f.ThrottleCount);
    }

    /// <summary>initializing | warm | busy | frozen | shutting-down (a dead one is reported as shutting-down until removed).</summary>
    private static string StateName(FunctionPool f, ExecutionEnvironment e) => e.State switch
    {
        EnvironmentState.Initializing => "initializing",
        EnvironmentState.Busy => "busy",
        EnvironmentState.Frozen => f.IsReserved(e) ? "busy" : "frozen",
        EnvironmentState.Warm => f.IsReserved(e) ? "busy" : "warm",
        _ => "shutting-down",
    };

    public sealed record FunctionsView(IReadOnlyList<FunctionView> Functions, int PendingEvents);

    public sealed record FunctionView(
        string Name, string Arn, ConfigView Config, IReadOnlyList<EnvironmentView> Environments,
        long Invocations, long ColdStarts, long Errors, long Timeouts, long Throttles);

    public sealed record ConfigView(
        string Command, IReadOnlyList<string> Arguments, string? WorkingDirectory, int MemorySize, int Timeout,
        int? ReservedConcurrency, int IdleTimeout, double Vcpus, bool Freeze);

    public sealed record EnvironmentView(
        string Id, int Pid, string State, int Invocations, string RuntimeApi, DateTime StartedAt, DateTime LastUsedAt,
        long MaxMemoryUsedMb, IReadOnlyList<int> Cpus);

    public sealed record CommandResult(string Name, string Command, int Environments);
}
