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

    /// <summary>The function's account of itself.</summary>
    public FunctionAnswer? Answer { get; init; }
}
