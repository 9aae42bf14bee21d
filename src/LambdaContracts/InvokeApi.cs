namespace LlamaAspire.LambdaContracts;

/// <summary>Lambda's Invoke API (2015-03-31) as callers and the emulator speak it: paths, headers and their values.</summary>
public static class InvokeApi
{
    /// <summary>Route template of <c>Invoke</c>; <c>{name}</c> is a name, partial or full ARN.</summary>
    public const string InvokeRoute = "/2015-03-31/functions/{name}/invocations";

    /// <summary>The Invoke path of one function.</summary>
    public static string InvokePath(string functionName) => $"/2015-03-31/functions/{Uri.EscapeDataString(functionName)}/invocations";

    /// <summary>Headers of the Invoke API.</summary>
    public static class Headers
    {
        /// <summary>Request: <see cref="InvocationTypes"/>.</summary>
        public const string InvocationType = "X-Amz-Invocation-Type";

        /// <summary>Request: <see cref="TailLogType"/> asks for the last 4 KB of the invoke's log.</summary>
        public const string LogType = "X-Amz-Log-Type";

        /// <summary>Request: base64 client context.</summary>
        public const string ClientContext = "X-Amz-Client-Context";

        /// <summary>Response: base64 of the log tail.</summary>
        public const string LogResult = "X-Amz-Log-Result";

        /// <summary>Response: <see cref="UnhandledFunctionError"/> when the function failed.</summary>
        public const string FunctionError = "X-Amz-Function-Error";

        /// <summary>Response: the version that ran.</summary>
        public const string ExecutedVersion = "X-Amz-Executed-Version";

        /// <summary>Response: the service exception name of an error (REST-JSON protocol).</summary>
        public const string ErrorType = "x-amzn-ErrorType";

        /// <summary>Response: the request id.</summary>
        public const string RequestId = "x-amzn-RequestId";

        /// <summary>Request: the caller's X-Ray trace header.</summary>
        public const string TraceId = "X-Amzn-Trace-Id";
    }

    /// <summary>Values of <see cref="Headers.InvocationType"/>.</summary>
    public static class InvocationTypes
    {
        /// <summary>Synchronous (the default).</summary>
        public const string RequestResponse = "RequestResponse";

        /// <summary>Asynchronous: 202, queued, retried twice.</summary>
        public const string Event = "Event";

        /// <summary>Validates the request and permissions only: 204.</summary>
        public const string DryRun = "DryRun";
    }

    /// <summary>Value of <see cref="Headers.LogType"/> that returns the log tail.</summary>
    public const string TailLogType = "Tail";

    /// <summary>Value of <see cref="Headers.FunctionError"/> for every function error (Lambda no longer sends "Handled").</summary>
    public const string UnhandledFunctionError = "Unhandled";

    /// <summary>The only version the emulator runs.</summary>
    public const string LatestVersion = "$LATEST";

    /// <summary>Service exception names (<see cref="Headers.ErrorType"/>) and throttle reasons.</summary>
    public static class Exceptions
    {
        /// <summary>404: no such function.</summary>
        public const string ResourceNotFound = "ResourceNotFoundException";

        /// <summary>413: request over <see cref="LambdaLimits.MaxSyncRequestBytes"/> or <see cref="LambdaLimits.MaxEventPayloadBytes"/>.</summary>
        public const string RequestEntityTooLarge = "RequestEntityTooLargeException";

        /// <summary>429: concurrency exhausted.</summary>
        public const string TooManyRequests = "TooManyRequestsException";

        /// <summary>400: the payload is not valid JSON.</summary>
        public const string InvalidRequestContent = "InvalidRequestContentException";

        /// <summary>400: a parameter is out of range or malformed.</summary>
        public const string InvalidParameterValue = "InvalidParameterValueException";

        /// <summary>409: the function is being updated.</summary>
        public const string ResourceConflict = "ResourceConflictException";

        /// <summary>412: the caller's RevisionId is stale.</summary>
        public const string PreconditionFailed = "PreconditionFailedException";

        /// <summary>500: the service failed.</summary>
        public const string Service = "ServiceException";

        /// <summary>404: GetProvisionedConcurrencyConfig for a function or qualifier that has none.</summary>
        public const string ProvisionedConcurrencyConfigNotFound = "ProvisionedConcurrencyConfigNotFoundException";

        /// <summary>Throttle reason: the function's reserved concurrency.</summary>
        public const string ReservedConcurrencyReason = "ReservedFunctionConcurrentInvocationLimitExceeded";

        /// <summary>Throttle reason: the account's concurrency.</summary>
        public const string AccountConcurrencyReason = "ConcurrentInvocationLimitExceeded";
    }
}
