namespace LlamaAspire.LambdaContracts;

/// <summary>The environment variables Lambda sets for a runtime (reserved: a function may not set them), and the few LlamaAspire adds.</summary>
public static class LambdaEnvironmentVariables
{
    /// <summary><c>host:port</c> of the Runtime API, no scheme.</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The X-Ray trace header of the invoke in flight (set per invoke by the runtime client).</summary>
    public const string TraceId = "_X_AMZN_TRACE_ID";

    /// <summary>The function's name.</summary>
    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";

    /// <summary>The version running (<c>$LATEST</c>).</summary>
    public const string FunctionVersion = "AWS_LAMBDA_FUNCTION_VERSION";

    /// <summary>MemorySize in MB.</summary>
    public const string FunctionMemorySize = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

    /// <summary><c>/aws/lambda/{name}</c>.</summary>
    public const string LogGroupName = "AWS_LAMBDA_LOG_GROUP_NAME";

    /// <summary>A function's default log group, the value of <see cref="LogGroupName"/>.</summary>
    public static string LogGroupOf(string functionName) => $"/aws/lambda/{functionName}";

    /// <summary>The environment's log stream, <c>yyyy/MM/dd/[$LATEST]{id}</c>.</summary>
    public const string LogStreamName = "AWS_LAMBDA_LOG_STREAM_NAME";

    /// <summary><see cref="InitializationTypes"/>.</summary>
    public const string InitializationType = "AWS_LAMBDA_INITIALIZATION_TYPE";

    /// <summary>The handler setting.</summary>
    public const string Handler = "_HANDLER";

    /// <summary>The function's code directory.</summary>
    public const string TaskRoot = "LAMBDA_TASK_ROOT";

    /// <summary>The runtime's directory.</summary>
    public const string RuntimeDir = "LAMBDA_RUNTIME_DIR";

    /// <summary>The region.</summary>
    public const string Region = "AWS_REGION";

    /// <summary>The region, as older SDKs read it.</summary>
    public const string DefaultRegion = "AWS_DEFAULT_REGION";

    /// <summary><c>AWS_Lambda_{runtime}</c>.</summary>
    public const string ExecutionEnv = "AWS_EXECUTION_ENV";

    /// <summary>Lambda sets <c>:UTC</c>.</summary>
    public const string TimeZone = "TZ";

    /// <summary>W3C trace context of <see cref="Telemetry.PlatformTelemetry.InitSpan"/>, parent of the function's init span (LlamaAspire's emulator sets it).</summary>
    public const string TraceParent = "TRACEPARENT";

    /// <summary>W3C trace state that goes with <see cref="TraceParent"/>.</summary>
    public const string TraceState = "TRACESTATE";

    /// <summary>The instant the emulator spawned the process, Unix epoch in 100 ns ticks (DateTime ticks since 1970):
    /// exact where <c>/proc</c>'s start time has only 10 ms resolution.</summary>
    public const string SpawnTimeTicks = "LLAMAASPIRE_SPAWN_UNIX_TICKS";

    /// <summary>Values of <see cref="InitializationType"/>.</summary>
    public static class InitializationTypes
    {
        /// <summary>An environment started for a request.</summary>
        public const string OnDemand = "on-demand";

        /// <summary>An environment started ahead of traffic.</summary>
        public const string ProvisionedConcurrency = "provisioned-concurrency";

        /// <summary>A SnapStart restore.</summary>
        public const string SnapStart = "snap-start";
    }

    /// <summary>The keys a function's configuration may not set (Lambda refuses them as "reserved keys").</summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Handler, TraceId, DefaultRegion, Region, ExecutionEnv, FunctionName, FunctionMemorySize, FunctionVersion,
        InitializationType, LogGroupName, LogStreamName, RuntimeApi, TaskRoot, RuntimeDir,
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    };
}
