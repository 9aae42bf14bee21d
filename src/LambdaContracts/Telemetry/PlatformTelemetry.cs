namespace LlamaAspire.LambdaContracts.Telemetry;

/// <summary>The platform's (the emulator's) spans and metrics, named as opentelemetry-lambda's Telemetry API receiver and the
/// OpenTelemetry FaaS conventions name them.</summary>
public static class PlatformTelemetry
{
    /// <summary>ActivitySource and Meter name of the emulator.</summary>
    public const string SourceName = "LlamaAspire.LambdaEmulator";

    /// <summary>The init phase of an environment (cold start), a sibling of the invoke it serves.</summary>
    public const string InitSpan = "platform.init";

    /// <summary>SnapStart: the restore of a snapshotted environment for a cold start (the Telemetry API's
    /// <c>platform.restoreStart</c> … <c>platform.restoreReport</c>), a sibling of the invoke it serves.</summary>
    public const string RestoreSpan = "platform.restore";

    /// <summary>One invoke, as the platform sees it (server span).</summary>
    public const string InvokeSpan = "platform.invoke";

    /// <summary>Metric names (units in the instruments' definitions).</summary>
    public static class Metrics
    {
        /// <summary>Cold starts.</summary>
        public const string ColdStarts = "faas.coldstarts";

        /// <summary>Invocations.</summary>
        public const string Invocations = "faas.invocations";

        /// <summary>Invocation errors.</summary>
        public const string Errors = "faas.errors";

        /// <summary>Invocation timeouts.</summary>
        public const string Timeouts = "faas.timeouts";

        /// <summary>Invokes rejected for concurrency (429).</summary>
        public const string Throttles = "faas.throttles";

        /// <summary>Init phase duration, seconds.</summary>
        public const string InitDuration = "faas.init_duration";

        /// <summary>Invoke phase duration, seconds.</summary>
        public const string InvokeDuration = "faas.invoke_duration";

        /// <summary>Peak memory of the environment at the end of an invoke, bytes.</summary>
        public const string MemUsage = "faas.mem_usage";

        /// <summary>Environments running an invoke.</summary>
        public const string Concurrency = "faas.concurrency";

        /// <summary>Live environments.</summary>
        public const string Environments = "faas.environments";
    }
}
