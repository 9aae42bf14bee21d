namespace LlamaAspire.LambdaContracts.Functions;

/// <summary>
/// Lambda's control-plane calls beside Invoke (REST-JSON, member names as AWS spells them): routes, the values of
/// <c>State</c> and <c>LastUpdateStatus</c>, and the fixed values an emulated function reports.
/// </summary>
public static class FunctionsApi
{
    /// <summary><c>GET</c>: ListFunctions (<c>Marker</c>, <c>MaxItems</c>); AWS spells it with a trailing slash, which routing ignores.</summary>
    public const string ListRoute = "/2015-03-31/functions";

    /// <summary><c>GET</c>: GetFunction.</summary>
    public const string FunctionRoute = "/2015-03-31/functions/{name}";

    /// <summary><c>GET</c>: GetFunctionConfiguration; <c>PUT</c>: UpdateFunctionConfiguration.</summary>
    public const string ConfigurationRoute = "/2015-03-31/functions/{name}/configuration";

    /// <summary><c>GET</c>: GetAccountSettings.</summary>
    public const string AccountSettingsRoute = "/2016-08-19/account-settings";

    /// <summary><c>PUT</c>: PutFunctionConcurrency; <c>DELETE</c>: DeleteFunctionConcurrency (API version 2017-10-31).</summary>
    public const string ConcurrencyRoute = "/2017-10-31/functions/{name}/concurrency";

    /// <summary><c>GET</c>: GetFunctionConcurrency, which AWS serves under a later API version.</summary>
    public const string GetConcurrencyRoute = "/2019-09-30/functions/{name}/concurrency";

    /// <summary>
    /// <c>PUT</c>: PutProvisionedConcurrencyConfig; <c>GET</c>: GetProvisionedConcurrencyConfig (or, with <c>List=ALL</c>,
    /// ListProvisionedConcurrencyConfigs); <c>DELETE</c>: DeleteProvisionedConcurrencyConfig. All take <see cref="QualifierParameter"/>.
    /// </summary>
    public const string ProvisionedConcurrencyRoute = "/2019-09-30/functions/{name}/provisioned-concurrency";

    /// <summary>The alias or version a provisioned concurrency configuration belongs to.</summary>
    public const string QualifierParameter = "Qualifier";

    /// <summary>The provisioned concurrency path of one function and qualifier.</summary>
    public static string ProvisionedConcurrencyPath(string functionName, string qualifier) =>
        $"/2019-09-30/functions/{Uri.EscapeDataString(functionName)}/provisioned-concurrency?{QualifierParameter}={Uri.EscapeDataString(qualifier)}";

    /// <summary>Values of a provisioned concurrency configuration's <c>Status</c>.</summary>
    public static class ProvisionedConcurrencyStatuses
    {
        /// <summary>Environments are being initialized.</summary>
        public const string InProgress = "IN_PROGRESS";

        /// <summary>All requested environments are initialized.</summary>
        public const string Ready = "READY";

        /// <summary>Initialization failed (see <c>StatusReason</c>).</summary>
        public const string Failed = "FAILED";
    }

    /// <summary><c>POST</c>: InvokeWithResponseStream; the answer is an <see cref="EventStream.EventStreamCodec.ContentType"/> body.</summary>
    public const string StreamingInvokeRoute = "/2021-11-15/functions/{name}/response-streaming-invocations";

    /// <summary>Query parameters of ListFunctions.</summary>
    public const string MarkerParameter = "Marker";

    /// <inheritdoc cref="MarkerParameter"/>
    public const string MaxItemsParameter = "MaxItems";

    /// <summary>ListFunctions' page size when <see cref="MaxItemsParameter"/> is absent, and its largest value.</summary>
    public const int DefaultPageSize = 50, MaxPageSize = 10_000;

    /// <summary>Concurrency that reserved concurrency must leave unreserved in the account.</summary>
    public const int MinUnreservedConcurrency = 100;

    /// <summary>The configuration path of one function (GetFunctionConfiguration / UpdateFunctionConfiguration).</summary>
    public static string ConfigurationPath(string functionName) => $"/2015-03-31/functions/{Uri.EscapeDataString(functionName)}/configuration";

    /// <summary>The GetFunction path of one function.</summary>
    public static string FunctionPath(string functionName) => $"/2015-03-31/functions/{Uri.EscapeDataString(functionName)}";

    /// <summary>The GetFunctionUrlConfig path of one function (<c>GET</c>; the answer's <see cref="FunctionUrlMember"/> is the URL).</summary>
    public static string FunctionUrlConfigPath(string functionName) => $"/2021-10-31/functions/{Uri.EscapeDataString(functionName)}/url";

    /// <summary>GetFunctionUrlConfig's member holding the function URL.</summary>
    public const string FunctionUrlMember = "FunctionUrl";

    /// <summary>The InvokeWithResponseStream path of one function.</summary>
    public static string StreamingInvokePath(string functionName) => $"/2021-11-15/functions/{Uri.EscapeDataString(functionName)}/response-streaming-invocations";

    /// <summary>Values of <c>State</c>.</summary>
    public static class States
    {
        /// <summary>Ready to invoke.</summary>
        public const string Active = "Active";
    }

    /// <summary>Values of <c>LastUpdateStatus</c>: an update is <see cref="InProgress"/> until every environment of the old
    /// configuration is retired, then <see cref="Successful"/>.</summary>
    public static class UpdateStatuses
    {
        /// <summary>The update is being applied.</summary>
        public const string InProgress = "InProgress";

        /// <summary>The update is in effect.</summary>
        public const string Successful = "Successful";

        /// <summary>The update could not be applied.</summary>
        public const string Failed = "Failed";
    }

    /// <summary>Values of <c>SnapStart.ApplyOn</c> (request and answer).</summary>
    public static class SnapStartApplyOn
    {
        /// <summary>Published versions are snapshotted and their cold starts restore.</summary>
        public const string PublishedVersions = "PublishedVersions";

        /// <summary>No SnapStart.</summary>
        public const string None = "None";
    }

    /// <summary>Values of <c>SnapStart.OptimizationStatus</c> (answer only): whether the version described runs with SnapStart.</summary>
    public static class SnapStartOptimizationStatus
    {
        /// <summary>SnapStart is in effect.</summary>
        public const string On = "On";

        /// <summary>SnapStart is not in effect.</summary>
        public const string Off = "Off";
    }

    /// <summary>Values of <c>PackageType</c>.</summary>
    public const string ZipPackageType = "Zip";

    /// <summary>The custom runtime an emulated <c>bootstrap</c> runs on.</summary>
    public const string CustomRuntime = "provided.al2023";

    /// <summary>A custom runtime's handler setting (the runtime ignores it).</summary>
    public const string BootstrapHandler = "bootstrap";

    /// <summary><c>LastModified</c>'s format: ISO 8601 with milliseconds and a <c>+0000</c> offset.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'+0000'";

    /// <summary>Architectures' values.</summary>
    public static class Architectures
    {
        /// <summary>Intel/AMD.</summary>
        public const string X64 = "x86_64";

        /// <summary>Graviton.</summary>
        public const string Arm64 = "arm64";
    }
}
