namespace LlamaAspire.Otlp;

/// <summary>
/// The spans a receiver has taken in, in arrival order, safe to read while exports arrive, with waits for the spans a
/// caller expects (exports land asynchronously, after the operation that produced them).
/// </summary>
public sealed class OtlpSpanStore
{
    private readonly Lock _lock = new();
    private readonly List<OtlpSpan> _spans = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>How many spans have arrived.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _spans.Count;
            }
        }
    }

    /// <summary>A snapshot of every span, in arrival order.</summary>
    public IReadOnlyList<OtlpSpan> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _spans];
            }
        }
    }

    /// <summary>Adds spans (the receiver calls this for every export) and wakes the waits.</summary>
    public void Add(IEnumerable<OtlpSpan> spans)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _spans.AddRange(spans);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>Forgets every span (between runs that reuse one receiver).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _spans.Clear();
        }
    }

    /// <summary>The spans of one trace, in arrival order.</summary>
    public IReadOnlyList<OtlpSpan> ForTrace(string traceId) => Where(s => string.Equals(s.TraceId, traceId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The spans whose resource has this <c>service.name</c>, in arrival order.</summary>
    public IReadOnlyList<OtlpSpan> ForService(string serviceName) => Where(s => s.ServiceName == serviceName);

    /// <summary>Waits until the trace holds a span of every one of <paramref name="names"/>; returns all the trace's spans.</summary>
    /// <exception cref="TimeoutException">They did not all arrive within <paramref name="timeout"/>; the message lists what did.</exception>
    public Task<IReadOnlyList<OtlpSpan>> WaitForTraceAsync(string traceId, IEnumerable<string> names, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForNamesAsync(() => ForTrace(traceId), names, $"trace {traceId}", timeout, cancellationToken);

    /// <summary>Waits until the service has sent a span of every one of <paramref name="names"/>; returns all the service's spans.</summary>
    /// <exception cref="TimeoutException">They did not all arrive within <paramref name="timeout"/>; the message lists what did.</exception>
    public Task<IReadOnlyList<OtlpSpan>> WaitForServiceAsync(string serviceName, IEnumerable<string> names, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForNamesAsync(() => ForService(serviceName), names, $"service {serviceName}", timeout, cancellationToken);

    /// <summary>Waits until <paramref name="condition"/> holds for a snapshot of every span; returns that snapshot.</summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>.</exception>
    public async Task<IReadOnlyList<OtlpSpan>> WaitUntilAsync(Func<IReadOnlyList<OtlpSpan>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var result = await WaitAsync(() => All, condition, timeout, cancellationToken);
        return result ?? throw new TimeoutException($"The condition on the received spans did not hold within {timeout}; {Count} spans arrived.");
    }

    private async Task<IReadOnlyList<OtlpSpan>> WaitForNamesAsync(
        Func<IReadOnlyList<OtlpSpan>> select, IEnumerable<string> names, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var expected = names.ToHashSet(StringComparer.Ordinal);
        var result = await WaitAsync(select, spans => expected.IsSubsetOf(spans.Select(s => s.Name)), timeout, cancellationToken);
        if (result is not null)
        {
            return result;
        }

        var arrived = select();
        var missing = expected.Except(arrived.Select(s => s.Name));
        throw new TimeoutException(
            $"Within {timeout}, {what} did not get spans {string.Join(", ", missing)}; it has: {(arrived.Count == 0 ? "none" : arrived.Describe())}");
    }

    /// <summary>Null on timeout, so each caller words its own timeout message.</summary>
    private async Task<IReadOnlyList<OtlpSpan>?> WaitAsync(
        Func<IReadOnlyList<OtlpSpan>> select, Func<IReadOnlyList<OtlpSpan>, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            // Take the signal before the snapshot: an Add between the two then completes the signal we wait on.
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            var spans = select();
            if (done(spans))
            {
                return spans;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private List<OtlpSpan> Where(Func<OtlpSpan, bool> predicate)
    {
        lock (_lock)
        {
            return [.. _spans.Where(predicate)];
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
