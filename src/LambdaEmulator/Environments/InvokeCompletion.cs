using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Logs;

namespace LlamaAspire.LambdaEmulator.Environments;

using RuntimeApi = LlamaAspire.LambdaContracts.RuntimeApi;

/// <summary>What the caller gets first: a buffered payload, a stream, or an error body.</summary>
public enum ResponseKind
{
    /// <summary>The function answered.</summary>
    Success,

    /// <summary>The function reported an error (/error, /init/error, or a mid-stream error trailer).</summary>
    FunctionError,

    /// <summary>The platform ended the invoke: timeout, crash, out of memory, oversize response.</summary>
    PlatformError,
}

/// <summary>The first answer to the caller: headers and a body, or a stream of it.</summary>
public sealed record InvocationResponse(ResponseKind Kind, string ContentType, byte[]? Body, System.IO.Pipelines.PipeReader? Stream, string? ErrorType)
{
    /// <summary>True for function and platform errors.</summary>
    public bool IsError => Kind != ResponseKind.Success;

    /// <summary>A platform error with Lambda's error document.</summary>
    public static InvocationResponse Platform(string errorType, string message) =>
        new(ResponseKind.PlatformError, RuntimeApi.JsonContentType, ErrorDocument.Write(errorType, message), null, errorType);

    /// <summary>A function error with the document the runtime sent.</summary>
    public static InvocationResponse Function(byte[] body, string errorType) =>
        new(ResponseKind.FunctionError, RuntimeApi.JsonContentType, body, null, errorType);
}

/// <summary>How an invoke ended, for REPORT lines, metrics and the span status.</summary>
public enum InvocationStatus
{
    /// <summary>The function answered.</summary>
    Success,

    /// <summary>The function (or its init) reported an error.</summary>
    Error,

    /// <summary>The function timeout passed.</summary>
    Timeout,

    /// <summary>The runtime exited.</summary>
    Crash,

    /// <summary>The environment ran out of memory.</summary>
    OutOfMemory,
}

/// <summary>How an invoke ended.</summary>
public sealed record InvocationOutcome(InvocationStatus Status, string? ErrorType)
{
    /// <summary>A successful end.</summary>
    public static InvocationOutcome Success { get; } = new(InvocationStatus.Success, null);
}

/// <summary>The end of an invoke as the caller sees it: the outcome, the REPORT line and the log tail (when asked for).</summary>
public sealed record InvokeResult(InvocationOutcome Outcome, ReportLine Report, string? LogTail);

/// <summary>
/// The one completion object of an invoke, in the order things happen: the caller's first answer (<see cref="Response"/>), the
/// end of the invoke (the runtime answered or the platform ended it), then the platform's accounting (<see cref="Completed"/>:
/// END/REPORT written). Each step completes once; ending answers the caller first if nobody has.
/// </summary>
public sealed class InvokeCompletion
{
    private readonly TaskCompletionSource<InvocationResponse> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<InvocationOutcome> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<InvokeResult> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Action<InvocationOutcome>? _onEnded;

    /// <summary>Creates the completion of <paramref name="request"/>; <paramref name="onEnded"/> runs when the invoke ends,
    /// before the caller's answer is released (so counters read after an answer include it).</summary>
    public InvokeCompletion(InvokeRequest request, Action<InvocationOutcome>? onEnded = null)
    {
        Request = request;
        Log = new InvokeLog(request.TailLog);
        _onEnded = onEnded;
    }

    /// <summary>The invoke.</summary>
    public InvokeRequest Request { get; }

    /// <summary>The invoke's own log (for <c>X-Amz-Log-Result</c>).</summary>
    internal InvokeLog Log { get; }

    /// <summary>The caller's first answer.</summary>
    public Task<InvocationResponse> Response => _response.Task;

    /// <summary>The end of the invoke, REPORT included.</summary>
    public Task<InvokeResult> Completed => _completed.Task;

    /// <summary>The invoke ended (before END/REPORT).</summary>
    internal Task<InvocationOutcome> Ended => _ended.Task;

    internal bool HasEnded => _ended.Task.IsCompleted;

    /// <summary>Answers the caller; false if it already has an answer.</summary>
    internal bool TryRespond(InvocationResponse response) => _response.TrySetResult(response);

    /// <summary>Ends the invoke; a caller still without an answer gets <paramref name="fallback"/> (or a generic platform error).</summary>
    internal bool TryEnd(InvocationOutcome outcome, InvocationResponse? fallback = null)
    {
        if (!_ended.TrySetResult(outcome))
        {
            return false;
        }

        _onEnded?.Invoke(outcome);
        TryRespond(fallback ?? InvocationResponse.Platform(outcome.ErrorType ?? LambdaErrorTypes.Unknown,
            "The runtime ended the invoke without a response."));
        return true;
    }

    /// <summary>The platform wrote END/REPORT: the invoke is over for the caller too.</summary>
    internal void Complete(InvocationOutcome outcome, ReportLine report) =>
        _completed.TrySetResult(new InvokeResult(outcome, report, Request.TailLog ? Log.Tail() : null));
}
