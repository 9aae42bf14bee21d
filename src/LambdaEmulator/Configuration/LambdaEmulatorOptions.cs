namespace LlamaAspire.LambdaEmulator.Configuration;

/// <summary>The emulator's configuration, bound from the <c>Lambda</c> section (architecture.md, Contract 3).</summary>
public sealed class LambdaEmulatorOptions
{
    public const string SectionName = "Lambda";

    /// <summary>Functions by name (<c>Lambda:Functions:{name}:*</c>).</summary>
    public Dictionary<string, FunctionOptions> Functions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>SIGSTOP environments between invokes, SIGCONT on the next one (<c>Lambda:Freeze</c>).</summary>
    public bool Freeze { get; set; } = true;

    public string Region { get; set; } = "us-east-1";

    public string AccountId { get; set; } = "123456789012";

    /// <summary>Concurrent executions across all functions (<c>Lambda:AccountConcurrency</c>, Lambda's default quota 1,000).</summary>
    public int AccountConcurrency { get; set; } = 1000;

    /// <summary>Init phase limit in seconds before init is retried inside the first invoke (<c>Lambda:InitTimeout</c>, Lambda: 10).</summary>
    public double InitTimeout { get; set; } = 10;

    /// <summary>Delay before the first retry of a failed Event invoke, doubled for the second (<c>Lambda:EventRetryDelay</c>, seconds; Lambda: about 60).</summary>
    public double EventRetryDelay { get; set; } = 60;

    /// <summary>Seconds between SIGTERM and SIGKILL on shutdown (<c>Lambda:ShutdownGracePeriod</c>, Lambda: 2).</summary>
    public double ShutdownGracePeriod { get; set; } = 2;

    /// <summary>Write platform and function log lines to the emulator's console (<c>Lambda:ConsoleLogs</c>).</summary>
    public bool ConsoleLogs { get; set; } = true;
}

/// <summary>One function: <c>Lambda:Functions:{name}:*</c>.</summary>
public sealed class FunctionOptions
{
    /// <summary>Executable: a published bootstrap, or <c>dotnet</c>.</summary>
    public string Command { get; set; } = "";

    public List<string> Arguments { get; set; } = [];

    /// <summary>LAMBDA_TASK_ROOT and the process's working directory (default: the emulator's).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>MB, 128–10,240.</summary>
    public int MemorySize { get; set; } = 128;

    /// <summary>Seconds, 1–900.</summary>
    public int Timeout { get; set; } = 3;

    public int? ReservedConcurrency { get; set; }

    /// <summary>Environments initialized ahead of traffic and kept warm (0: none); at most <see cref="ReservedConcurrency"/>.</summary>
    public int ProvisionedConcurrency { get; set; }

    /// <summary>
    /// SnapStart (<c>Lambda:Functions:{name}:SnapStart</c>, the API's <c>SnapStart.ApplyOn: PublishedVersions</c>): cold starts
    /// restore an environment initialized ahead of them with <c>AWS_LAMBDA_INITIALIZATION_TYPE=snap-start</c> (README: SnapStart).
    /// </summary>
    public bool SnapStart { get; set; }

    /// <summary>Seconds an environment stays warm while unused.</summary>
    public int IdleTimeout { get; set; } = 600;

    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The function's description, as the Lambda API reports it.</summary>
    public string? Description { get; set; }

    /// <summary>A copy to change (an UpdateFunctionConfiguration): environments keep the settings they started with.</summary>
    public FunctionOptions Copy() => new()
    {
        Command = Command,
        Arguments = [.. Arguments],
        WorkingDirectory = WorkingDirectory,
        MemorySize = MemorySize,
        Timeout = Timeout,
        ReservedConcurrency = ReservedConcurrency,
        ProvisionedConcurrency = ProvisionedConcurrency,
        SnapStart = SnapStart,
        IdleTimeout = IdleTimeout,
        Environment = new(Environment, StringComparer.Ordinal),
        Description = Description,
    };
}
