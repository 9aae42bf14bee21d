namespace LlamaAspire.LambdaRuntime;

/// <summary>Every Lambda Runtime API (2018-06-01) header, path and content type this library speaks, in one place.</summary>
public static class RuntimeApiHeaders
{
    // GET /runtime/invocation/next response headers.
    public const string AwsRequestId = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineMs = "Lambda-Runtime-Deadline-Ms";
    public const string InvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceId = "Lambda-Runtime-Trace-Id";
    public const string ClientContext = "Lambda-Runtime-Client-Context";
    public const string CognitoIdentity = "Lambda-Runtime-Cognito-Identity";
    public const string TenantId = "Lambda-Runtime-Aws-Tenant-Id";

    // Response / error request headers and streaming trailers.
    public const string FunctionErrorType = "Lambda-Runtime-Function-Error-Type";
    public const string FunctionErrorBody = "Lambda-Runtime-Function-Error-Body";
    public const string FunctionResponseMode = "Lambda-Runtime-Function-Response-Mode";
    public const string StreamingResponseMode = "streaming";

    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";
    public const string DefaultContentType = "application/json";

    // Paths, relative to http://{AWS_LAMBDA_RUNTIME_API}.
    public const string ApiVersion = "2018-06-01";
    public const string NextPath = "runtime/invocation/next";
    public const string InitErrorPath = "runtime/init/error";
    public const string InvocationPathPrefix = "runtime/invocation/";
    public const string ResponsePathSuffix = "/response";
    public const string ErrorPathSuffix = "/error";

    // Platform limits and error types the runtime reports itself.
    /// <summary>Largest buffered response real Lambda accepts (bytes); beyond it the invoke fails with <see cref="ResponseSizeTooLargeErrorType"/>.</summary>
    public const int MaxBufferedResponseBytes = 6_291_556;
    public const string ResponseSizeTooLargeErrorType = "Function.ResponseSizeTooLarge";
}
