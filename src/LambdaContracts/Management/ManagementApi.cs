namespace LlamaAspire.LambdaContracts.Management;

/// <summary>The emulator's management API (not part of AWS's): live state for the dashboard and its commands.</summary>
public static class ManagementApi
{
    /// <summary>Route prefix.</summary>
    public const string Prefix = "/_emulator";

    /// <summary><c>GET</c>: every function (<see cref="FunctionsView"/>).</summary>
    public const string FunctionsPath = Prefix + "/functions";

    /// <summary>Command: shut down idle environments now and retire busy ones after their invoke (force cold start).</summary>
    public const string RecycleCommand = "recycle";

    /// <summary>Command: shut down idle environments.</summary>
    public const string ShutdownIdleCommand = "shutdown-idle";

    /// <summary><c>GET</c>: one function (<see cref="FunctionView"/>).</summary>
    public static string FunctionPath(string name) => $"{FunctionsPath}/{Uri.EscapeDataString(name)}";

    /// <summary><c>POST</c>: a command on one function (<see cref="CommandResult"/>).</summary>
    public static string CommandPath(string name, string command) => $"{FunctionPath(name)}/{command}";
}

/// <summary>Environment states as the management API names them.</summary>
public static class EnvironmentStateNames
{
    /// <summary>The runtime is starting (init phase).</summary>
    public const string Initializing = "initializing";

    /// <summary>Ready for an invoke, not frozen.</summary>
    public const string Warm = "warm";

    /// <summary>Running an invoke.</summary>
    public const string Busy = "busy";

    /// <summary>Ready for an invoke, its processes stopped (SIGSTOP) as Lambda freezes them.</summary>
    public const string Frozen = "frozen";

    /// <summary>SnapStart: initialized and held (frozen) at <c>restore/next</c>, waiting to be restored by a cold start.</summary>
    public const string Snapshotted = "snapshotted";

    /// <summary>SnapStart: being restored for an invoke (after-restore hooks running).</summary>
    public const string Restoring = "restoring";

    /// <summary>Shutting down, or dead and about to leave the list.</summary>
    public const string ShuttingDown = "shutting-down";
}

/// <summary>All functions, and the Event invokes queued.</summary>
public sealed record FunctionsView(IReadOnlyList<FunctionView> Functions, int PendingEvents);

/// <summary>One function: its configuration, environments and counters since the emulator started.</summary>
public sealed record FunctionView(
    string Name,
    string Arn,
    ConfigView Config,
    IReadOnlyList<EnvironmentView> Environments,
    long Invocations,
    long ColdStarts,
    long Errors,
    long Timeouts,
    long Throttles);

/// <summary>A function's settings as the emulator runs them.</summary>
public sealed record ConfigView(
    string Command,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    int MemorySize,
    int Timeout,
    int? ReservedConcurrency,
    int IdleTimeout,
    double Vcpus,
    bool Freeze);

/// <summary>One execution environment.</summary>
public sealed record EnvironmentView(
    string Id,
    int Pid,
    string State,
    int Invocations,
    string RuntimeApi,
    DateTime StartedAt,
    DateTime LastUsedAt,
    long MaxMemoryUsedMb,
    IReadOnlyList<int> Cpus,
    bool Provisioned = false);

/// <summary>The answer to a command: how many environments it affected.</summary>
public sealed record CommandResult(string Name, string Command, int Environments);
