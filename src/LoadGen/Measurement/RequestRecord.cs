namespace LlamaAspire.LoadGen.Measurement;

/// <summary>
/// One scheduled request, as results.json stores it (schema in src/LoadGen/README.md). Times are milliseconds from the
/// run's start; <see cref="LatencyMs"/> counts from the <em>scheduled</em> send, so a late send's wait is part of it
/// (no coordinated omission), and <see cref="ServiceMs"/> from the actual send.
/// </summary>
public sealed record RequestRecord
{
    /// <summary>Position in the schedule.</summary>
    public required int Index { get; init; }

    /// <summary>When the schedule said to send it.</summary>
    public required double ScheduledMs { get; init; }

    /// <summary>When it was sent; null if it was dropped.</summary>
    public double? SentMs { get; init; }

    /// <summary>Answer received − scheduled send; null unless it was answered.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>Answer received − actual send.</summary>
    public double? ServiceMs { get; init; }

    /// <summary>Sent later than the scheduler's tolerance after its scheduled time.</summary>
    public bool Late { get; init; }

    /// <summary>How it ended.</summary>
    public required RequestOutcome Outcome { get; init; }

    /// <summary>HTTP status, when there was an answer.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The error's type: the function's <c>errorType</c>, the service exception, or the client exception.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The invocation's request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Streaming: the first chunk's arrival, ms after the send (the client's time to first token).</summary>
    public double? FirstChunkMs { get; init; }

    /// <summary>The REPORT line's figures, when the log tail carried one.</summary>
    public ReportFields? Report { get; init; }

    /// <summary>What the function reported in its answer.</summary>
    public FunctionAnswer? Answer { get; init; }

    /// <summary>
    /// Platform init of a cold start: REPORT's Init Duration minus the function's own init total (<c>timings.init.total_ms</c>) —
    /// the time the platform's side of init took around the function's (starting the runtime process, the Runtime API's first
    /// exchange). Derived: written to results.json to read, computed again from the two figures when read back; null unless
    /// both are there.
    /// </summary>
    public double? PlatformInitMs => Report?.InitDurationMs is { } init && Answer?.Init?.TotalMs is { } own ? init - own : null;

    /// <summary>
    /// Cold start as REPORT says (Init Duration present); without a REPORT (a function URL returns no log tail), as the
    /// function says in <c>timings.cold_start</c>; null when neither is there.
    /// </summary>
    public bool? Cold => Report?.IsColdStart ?? Answer?.ColdStart;
}
