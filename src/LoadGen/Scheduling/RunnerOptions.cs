namespace LlamaAspire.LoadGen.Scheduling;

/// <summary>What to do when a request's time comes and <see cref="RunnerOptions.MaxInFlight"/> requests are outstanding.</summary>
public enum OverloadPolicy
{
    /// <summary>Wait for a free slot and send late: the wait counts in its latency (measured from the schedule). A request
    /// still waiting when the time bound ends is dropped.</summary>
    Wait,

    /// <summary>Do not send it; count it as dropped.</summary>
    Drop,
}

/// <summary>The bounds and limits of one open-loop run.</summary>
public sealed record RunnerOptions
{
    /// <summary>Send at most this many requests (the count bound).</summary>
    public int MaxRequests { get; init; } = int.MaxValue;

    /// <summary>Send nothing scheduled after this (the time bound).</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Once sending ends, how long outstanding requests may take before they are cancelled.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Outstanding requests at most.</summary>
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>See <see cref="OverloadPolicy"/>.</summary>
    public OverloadPolicy Overload { get; init; } = OverloadPolicy.Wait;

    /// <summary>A send this much past its scheduled time counts as late (timer resolution is ~1 ms).</summary>
    public TimeSpan LateTolerance { get; init; } = TimeSpan.FromMilliseconds(5);
}
