namespace LlamaAspire.LambdaRuntime;

/// <summary>The environment variable names the runtime reads or writes, in one place.</summary>
public static class LambdaEnvironmentVariables
{
    /// <summary><c>host:port</c>, optionally followed by a path (<c>127.0.0.1:9001/my-function</c>); no scheme.</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";
    /// <summary>Set per invoke from <see cref="RuntimeApiHeaders.TraceId"/> (removed when the header is absent).</summary>
    public const string TraceId = "_X_AMZN_TRACE_ID";
    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";
    public const string FunctionVersion = "AWS_LAMBDA_FUNCTION_VERSION";
    public const string FunctionMemorySize = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";
    public const string LogGroupName = "AWS_LAMBDA_LOG_GROUP_NAME";
    public const string LogStreamName = "AWS_LAMBDA_LOG_STREAM_NAME";
    public const string InitializationType = "AWS_LAMBDA_INITIALIZATION_TYPE";
    public const string Handler = "_HANDLER";
    public const string TaskRoot = "LAMBDA_TASK_ROOT";
    public const string Region = "AWS_REGION";
}
