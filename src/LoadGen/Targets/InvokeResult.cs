using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Targets;

/// <summary>What one invoke returned, before the scheduler adds its times.</summary>
public sealed record InvokeResult(RequestOutcome Outcome)
{
    /// <summary>HTTP status, when there was an answer.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The error's type (function <c>errorType</c>, service exception or client exception name).</summary>
    public string? ErrorType { get; init; }

    /// <summary>The invocation's request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>REPORT figures from the log tail.</summary>
    public ReportFields? Report { get; init; }

    /// <summary>Streaming: the first chunk's arrival, ms after the invoke was sent.</summary>
    public double? FirstChunkMs { get; init; }

    /// <summary>The function's account of itself.</summary>
    public FunctionAnswer? Answer { get; init; }

    /// <summary>
    /// The result of an invoke that got no answer — the connection failed or broke while the body was read, or
    /// <see cref="HttpClient.Timeout"/> fired — or null for an exception that is not a transport failure (the caller's own
    /// cancellation among them).
    /// </summary>
    public static InvokeResult? TransportFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException http => new InvokeResult(RequestOutcome.TransportError) { ErrorType = http.HttpRequestError.ToString() },
        IOException io => new InvokeResult(RequestOutcome.TransportError) { ErrorType = io.GetType().Name },
        TaskCanceledException canceled when !cancellationToken.IsCancellationRequested =>
            new InvokeResult(RequestOutcome.TransportError) { ErrorType = canceled.InnerException is TimeoutException ? "ClientTimeout" : nameof(TaskCanceledException) },
        _ => null,
    };

    /// <summary>The record of a request with this result; <paramref name="completedMs"/> is when the answer was in.</summary>
    public RequestRecord ApplyTo(RequestRecord record, double scheduledMs, double completedMs)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record with
        {
            LatencyMs = completedMs - scheduledMs,
            ServiceMs = completedMs - record.SentMs,
            Outcome = Outcome,
            StatusCode = StatusCode,
            ErrorType = ErrorType,
            RequestId = RequestId,
            Report = Report,
            FirstChunkMs = FirstChunkMs,
            Answer = Answer,
        };
    }
}
