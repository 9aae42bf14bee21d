namespace LlamaAspire.LambdaContracts;

/// <summary>The Lambda Runtime API (2018-06-01): paths, headers and content types, as <c>../shared/reference/lambda-runtime-api.yaml</c> specifies them.</summary>
public static class RuntimeApi
{
    /// <summary>The API version, the first path segment after <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public const string Version = "2018-06-01";

    /// <summary>Path (relative to the version) the runtime polls for the next invoke.</summary>
    public const string NextPath = "runtime/invocation/next";

    /// <summary>Path the runtime posts an initialization error to.</summary>
    public const string InitErrorPath = "runtime/init/error";

    /// <summary>Prefix of the per-invoke paths: <c>runtime/invocation/{requestId}/response|error</c>.</summary>
    public const string InvocationPathPrefix = "runtime/invocation/";

    /// <summary>Suffix of the success path after the request id.</summary>
    public const string ResponsePathSuffix = "/response";

    /// <summary>Suffix of the invoke error path after the request id.</summary>
    public const string ErrorPathSuffix = "/error";

    /// <summary>SnapStart: after init and the before-snapshot hooks the runtime calls this once; it answers (200, empty) when the
    /// environment is restored, and the runtime then runs its after-restore hooks and polls <see cref="NextPath"/>.</summary>
    public const string RestoreNextPath = "runtime/restore/next";

    /// <summary>SnapStart: a failed after-restore hook is reported here.</summary>
    public const string RestoreErrorPath = "runtime/restore/error";

    /// <summary>Route templates for a server (leading slash, request id as a route value).</summary>
    public static class Routes
    {
        /// <summary><c>GET</c>: the next invoke.</summary>
        public const string Next = "/" + Version + "/" + NextPath;

        /// <summary><c>POST</c>: an invoke's response.</summary>
        public const string Response = "/" + Version + "/" + InvocationPathPrefix + "{requestId}" + ResponsePathSuffix;

        /// <summary><c>POST</c>: an invoke's error.</summary>
        public const string Error = "/" + Version + "/" + InvocationPathPrefix + "{requestId}" + ErrorPathSuffix;

        /// <summary><c>POST</c>: an init error.</summary>
        public const string InitError = "/" + Version + "/" + InitErrorPath;

        /// <summary><c>GET</c>: SnapStart, held until the environment is restored.</summary>
        public const string RestoreNext = "/" + Version + "/" + RestoreNextPath;

        /// <summary><c>POST</c>: SnapStart, an after-restore hook failed.</summary>
        public const string RestoreError = "/" + Version + "/" + RestoreErrorPath;
    }

    /// <summary>Headers of the Runtime API, in both directions.</summary>
    public static class Headers
    {
        /// <summary>Next-invoke response: the request id.</summary>
        public const string AwsRequestId = "Lambda-Runtime-Aws-Request-Id";

        /// <summary>Next-invoke response: the deadline, Unix epoch milliseconds.</summary>
        public const string DeadlineMs = "Lambda-Runtime-Deadline-Ms";

        /// <summary>Next-invoke response: the ARN the caller invoked.</summary>
        public const string InvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";

        /// <summary>Next-invoke response: the X-Ray trace header (see <see cref="XRayTraceHeader"/>).</summary>
        public const string TraceId = "Lambda-Runtime-Trace-Id";

        /// <summary>Next-invoke response: the caller's client context (JSON).</summary>
        public const string ClientContext = "Lambda-Runtime-Client-Context";

        /// <summary>Next-invoke response: the Cognito identity (JSON).</summary>
        public const string CognitoIdentity = "Lambda-Runtime-Cognito-Identity";

        /// <summary>Next-invoke response: the tenant id of a tenant-isolated function.</summary>
        public const string TenantId = "Lambda-Runtime-Aws-Tenant-Id";

        /// <summary>Error requests (and the streaming error trailer): the error type.</summary>
        public const string FunctionErrorType = "Lambda-Runtime-Function-Error-Type";

        /// <summary>Streaming error trailer: the base64 error document.</summary>
        public const string FunctionErrorBody = "Lambda-Runtime-Function-Error-Body";

        /// <summary>Response request: <see cref="StreamingResponseMode"/> for a streamed response.</summary>
        public const string FunctionResponseMode = "Lambda-Runtime-Function-Response-Mode";
    }

    /// <summary>The error types the Runtime API itself answers with (its 4xx documents).</summary>
    public static class ErrorTypes
    {
        /// <summary>400: no invoke in flight has this request id.</summary>
        public const string InvalidRequestId = "InvalidRequestID";

        /// <summary>403: e.g. an init error after init ended.</summary>
        public const string InvalidStateTransition = "InvalidStateTransition";

        /// <summary>413: the response passed <see cref="LambdaLimits.MaxBufferedResponseBytes"/>.</summary>
        public const string RequestEntityTooLarge = "RequestEntityTooLarge";
    }

    /// <summary>Value of <see cref="Headers.FunctionResponseMode"/> for response streaming.</summary>
    public const string StreamingResponseMode = "streaming";

    /// <summary>Content type of an error document.</summary>
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";

    /// <summary>Content type of events and of responses that name none.</summary>
    public const string JsonContentType = "application/json";
}
