using System.Diagnostics;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Scheduling;

/// <summary>
/// Sends each request at its scheduled time whether or not earlier ones have answered (open loop, as wrk2 and k6's
/// arrival-rate executors do), and measures latency from that scheduled time: a slow target cannot slow the arrivals down
/// and hide its own queueing (coordinated omission). Sends the target could not take in time are counted as late or dropped.
/// </summary>
public sealed class OpenLoopRunner(IInvokeTarget target, RunnerOptions options)
{
    private int _sent;
    private int _completed;
    private int _failed;

    /// <summary>Requests sent so far (for a live progress display).</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Requests answered so far, whatever the answer.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Answers that were not <see cref="RequestOutcome.Ok"/>.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>
    /// Runs <paramref name="schedule"/> (offsets from the start, ascending) until it ends or a bound is reached.
    /// <paramref name="cancellationToken"/> (Ctrl+C) stops sending and cancels what is in flight; what was measured is returned.
    /// </summary>
    public async Task<RunResult> RunAsync(IEnumerable<TimeSpan> schedule, Func<int, ReadOnlyMemory<byte>> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(payload);
        var records = new List<RequestRecord>();
        var pending = new List<Task<RequestRecord>>();
        using var slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        using var inFlight = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        var index = 0;

        foreach (var due in schedule)
        {
            if (index >= options.MaxRequests || due > options.MaxDuration || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                // Drop: a slot now or never. Wait: a slot before the time bound ends, else it was never sent in the run.
                var patience = options.Overload == OverloadPolicy.Drop ? TimeSpan.Zero : options.MaxDuration - clock.Elapsed;
                if (!await slots.WaitAsync(patience > TimeSpan.Zero ? patience : TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
                {
                    records.Add(new RequestRecord { Index = index++, ScheduledMs = due.TotalMilliseconds, Outcome = RequestOutcome.Dropped });
                    continue;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var sent = clock.Elapsed;
            var body = payload(index);
            var record = new RequestRecord
            {
                Index = index++,
                ScheduledMs = due.TotalMilliseconds,
                SentMs = sent.TotalMilliseconds,
                Late = sent - due > options.LateTolerance,
                Outcome = RequestOutcome.Cancelled,
            };
            Interlocked.Increment(ref _sent);
            // Task.Run: the send's synchronous part (connection setup, serialization) must not delay the next arrival.
            pending.Add(Task.Run(() => SendAsync(record, body, due, clock, slots, inFlight.Token), CancellationToken.None));
        }

        var interrupted = cancellationToken.IsCancellationRequested;
        var all = Task.WhenAll(pending);
        if (!interrupted && await Task.WhenAny(all, Task.Delay(options.DrainTimeout, cancellationToken)).ConfigureAwait(false) != all)
        {
            interrupted = true;
        }

        await inFlight.CancelAsync().ConfigureAwait(false);
        records.AddRange(await all.ConfigureAwait(false));
        records.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new RunResult(records, clock.Elapsed, interrupted || cancellationToken.IsCancellationRequested);
    }

    private async Task<RequestRecord> SendAsync(RequestRecord record, ReadOnlyMemory<byte> body, TimeSpan due, Stopwatch clock, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            var result = await target.InvokeAsync(body, cancellationToken).ConfigureAwait(false);
            var done = clock.Elapsed;
            Interlocked.Increment(ref _completed);
            if (result.Outcome != RequestOutcome.Ok)
            {
                Interlocked.Increment(ref _failed);
            }

            return result.ApplyTo(record, due.TotalMilliseconds, done.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return record;
        }
        finally
        {
            slots.Release();
        }
    }
}
