namespace LlamaAspire.LambdaContracts.Telemetry;

/// <summary>Span and resource attribute names: OpenTelemetry's FaaS and cloud conventions, then the <c>aws.lambda.*</c> ones.</summary>
public static class FaasAttributes
{
    /// <summary>Function name.</summary>
    public const string Name = "faas.name";

    /// <summary>Function version.</summary>
    public const string Version = "faas.version";

    /// <summary>The execution environment (its log stream name on AWS).</summary>
    public const string Instance = "faas.instance";

    /// <summary>MemorySize in bytes.</summary>
    public const string MaxMemory = "faas.max_memory";

    /// <summary>Peak memory used by the invoke's environment, bytes (LlamaAspire).</summary>
    public const string MaxMemoryUsed = "faas.max_memory_used";

    /// <summary>True on the invoke that started the environment.</summary>
    public const string ColdStart = "faas.coldstart";

    /// <summary>The request id.</summary>
    public const string InvocationId = "faas.invocation_id";

    /// <summary><c>http</c> for function URLs, <c>other</c> for the Invoke API.</summary>
    public const string Trigger = "faas.trigger";

    /// <summary>Values of <see cref="Trigger"/>.</summary>
    public static class Triggers
    {
        /// <summary>A function URL (HTTP).</summary>
        public const string Http = "http";

        /// <summary>The Invoke API.</summary>
        public const string Other = "other";
    }

    /// <summary><c>aws</c>.</summary>
    public const string CloudProvider = "cloud.provider";

    /// <summary><c>aws_lambda</c>.</summary>
    public const string CloudPlatform = "cloud.platform";

    /// <summary>The region.</summary>
    public const string CloudRegion = "cloud.region";

    /// <summary>The account id.</summary>
    public const string CloudAccountId = "cloud.account.id";

    /// <summary>The function ARN.</summary>
    public const string CloudResourceId = "cloud.resource_id";

    /// <summary>The ARN the caller invoked.</summary>
    public const string InvokedArn = "aws.lambda.invoked_arn";

    /// <summary>How the invoke ended: success | error | timeout | failure.</summary>
    public const string Status = "aws.lambda.status";

    /// <summary>on-demand | provisioned-concurrency | snap-start.</summary>
    public const string InitializationType = "aws.lambda.initialization_type";

    /// <summary>init, or invoke for a suppressed init.</summary>
    public const string InitPhase = "aws.lambda.init_phase";

    /// <summary>success | error | timeout.</summary>
    public const string InitStatus = "aws.lambda.init_status";

    /// <summary>OpenTelemetry's error type attribute.</summary>
    public const string ErrorType = "error.type";

    /// <summary>Value of <see cref="CloudProvider"/>.</summary>
    public const string AwsProvider = "aws";

    /// <summary>Value of <see cref="CloudPlatform"/>.</summary>
    public const string AwsLambdaPlatform = "aws_lambda";
}
