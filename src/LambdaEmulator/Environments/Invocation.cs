using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>What the caller gets first: a buffered payload, a stream, or an error body.</summary>
public enum ResponseKind
{
    Success,
    /// <summary>The function reported an error (/error, /init/error, or a mid-stream error trailer).</summary>
    FunctionError,
    /// <summary>The platform ended the invoke: timeout, crash, out of memory, oversize response.</summary>
    PlatformError,
}

public sealed record InvocationResponse(
    ResponseKind Kind,
    string ContentType,
    byte[]? Body,
    PipeReader? Stream,
    string? ErrorType)
{
    public bool IsError => Kind != ResponseKind.Success;
}

/// <summary>How an invoke ended, for REPORT lines, metrics and the span status.</summary>
public enum InvocationStatus
{
    Success,
    Error,
    Timeout,
    Crash,
    OutOfMemory,
}

public sealed record InvocationOutcome(InvocationStatus Status, string? ErrorType);

/// <summary>One invoke, from the Invoke API or a function URL, through its environment's Runtime API.</summary>
public sealed class Invocation
{
    private readonly StringBuilder _log = new();

    public Invocation(byte[] payload, string trigger, string? requestId = null)
    {
        Payload = payload;
        Trigger = trigger;
        RequestId = requestId ?? Guid.NewGuid().ToString();
    }

    public string RequestId { get; }

    public byte[] Payload { get; }

    /// <summary>faas.trigger: "http" for function URLs, "other" for Invoke API calls.</summary>
    public string Trigger { get; }

    public string? ClientContext { get; init; }

    public bool CollectLog { get; init; }

    public bool IsEvent { get; init; }

    /// <summary>The caller's trace context (incoming request span or traceparent), parent of platform.init/invoke.</summary>
    public ActivityContext ParentContext { get; init; }

    // Set when the invoke is handed to an environment.
    public string InvokedFunctionArn { get; set; } = "";
    public long DeadlineMs { get; set; }
    public string TraceHeader { get; set; } = "";
    public long StartTimestamp { get; set; }
    public double? InitDurationMs { get; set; }
    public string? EnvironmentId { get; set; }

    /// <summary>First answer to the caller (headers/body start): completed exactly once.</summary>
    public TaskCompletionSource<InvocationResponse> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The end of the invoke (the response fully sent, or the platform ending it).</summary>
    public TaskCompletionSource<InvocationOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lines logged during this invoke (including the init it triggered), for X-Amz-Log-Result.</summary>
    public void AppendLog(string line)
    {
        if (!CollectLog)
            return;
        lock (_log)
            _log.Append(line).Append('\n');
    }

    /// <summary>Base64 of the last 4 KB of this invoke's log, as X-Amz-Log-Result carries it.</summary>
    public string LogTail()
    {
        byte[] bytes;
        lock (_log)
            bytes = Encoding.UTF8.GetBytes(_log.ToString());
        const int max = 4096;
        return Convert.ToBase64String(bytes.Length <= max ? bytes : bytes.AsSpan(bytes.Length - max).ToArray());
    }

    /// <summary>Answers the caller with a platform error (timeout, crash, ...) unless it already has an answer.</summary>
    public void FailResponse(string errorType, string message) =>
        Response.TrySetResult(new InvocationResponse(ResponseKind.PlatformError, "application/json",
            ErrorBody(errorType, message), null, errorType));

    public static byte[] ErrorBody(string errorType, string message) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ErrorPayload(message, errorType));
}

public sealed record ErrorPayload(
    [property: System.Text.Json.Serialization.JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: System.Text.Json.Serialization.JsonPropertyName("errorType")] string ErrorType);
