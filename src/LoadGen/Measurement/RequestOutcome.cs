namespace LlamaAspire.LoadGen.Measurement;

/// <summary>How one scheduled request ended; results.json spells these in lower snake case.</summary>
public enum RequestOutcome
{
    /// <summary>The function answered without an error.</summary>
    Ok,

    /// <summary>The function ran and failed (<see cref="LambdaContracts.InvokeApi.Headers.FunctionError"/>: handler error, timeout, crash, OOM).</summary>
    FunctionError,

    /// <summary>429: concurrency exhausted; the function did not run.</summary>
    Throttled,

    /// <summary>Any other non-success status from the service (404, 413, 5xx …).</summary>
    ServiceError,

    /// <summary>No HTTP answer: connection refused, reset, client timeout.</summary>
    TransportError,

    /// <summary>Never sent: the in-flight limit was reached at its scheduled time (counted, not hidden).</summary>
    Dropped,

    /// <summary>Still in flight when the run was stopped (Ctrl+C or the time bound); not a latency sample.</summary>
    Cancelled,
}
