using System.Globalization;

namespace LlamaAspire.LambdaContracts.Logs;

/// <summary>The platform's other log lines (START, END, INIT_START and the invoke-failure lines), written as Lambda writes them.
/// REPORT and INIT_REPORT have records of their own (<see cref="ReportLine"/>, <see cref="InitReportLine"/>).</summary>
public static class PlatformLines
{
    /// <summary>Prefix of the START line.</summary>
    public const string StartPrefix = "START RequestId: ";

    /// <summary>Prefix of the END line.</summary>
    public const string EndPrefix = "END RequestId: ";

    /// <summary>Prefix of the INIT_START line.</summary>
    public const string InitStartPrefix = "INIT_START ";

    /// <summary><c>START RequestId: {id} Version: $LATEST</c>.</summary>
    public static string Start(string requestId, string version) => $"{StartPrefix}{requestId} Version: {version}";

    /// <summary><c>END RequestId: {id}</c>.</summary>
    public static string End(string requestId) => EndPrefix + requestId;

    /// <summary><c>INIT_START Runtime Version: {version}\tRuntime Version ARN: {arn}</c>.</summary>
    public static string InitStart(string runtimeVersion, string runtimeVersionArn) =>
        $"{InitStartPrefix}Runtime Version: {runtimeVersion}\tRuntime Version ARN: {runtimeVersionArn}";

    /// <summary>
    /// INIT_START of an environment initialized ahead of traffic: the line above plus <c>Init Type: provisioned-concurrency</c>
    /// (the init type that JSON-format logs carry in the Telemetry API's <c>initStart</c> event), so a text log tells the two apart.
    /// </summary>
    public static string InitStart(string runtimeVersion, string runtimeVersionArn, string initializationType) =>
        initializationType == LambdaEnvironmentVariables.InitializationTypes.OnDemand
            ? InitStart(runtimeVersion, runtimeVersionArn)
            : $"{InitStart(runtimeVersion, runtimeVersionArn)}\tInit Type: {initializationType}";

    /// <summary>The message of a timed-out invoke: <c>Task timed out after 3.00 seconds</c>.</summary>
    public static string TimedOutMessage(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"Task timed out after {elapsed.TotalSeconds:F2} seconds");

    /// <summary>The message of a runtime that exited: <c>Runtime exited with error: signal: killed</c>.</summary>
    public static string ExitedMessage(string exitDescription) => $"Runtime exited with error: {exitDescription}";

    /// <summary>A line the platform writes on behalf of one invoke: <c>{timestamp} {requestId} {message}</c>.</summary>
    public static string ForRequest(DateTime utc, string requestId, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{utc:yyyy-MM-ddTHH:mm:ss.fffZ} {requestId} {message}");

    /// <summary>The error message the caller gets: <c>RequestId: {id} Error: {message}</c>.</summary>
    public static string ErrorMessage(string requestId, string message) => $"RequestId: {requestId} Error: {message}";
}
