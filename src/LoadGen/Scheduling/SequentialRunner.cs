using System.Diagnostics;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Scheduling;

/// <summary>
/// Invokes one at a time, each after the last answered, with an optional step before each one — forcing a cold start
/// (lambda-perf's method: force, invoke once, record). Bounded by count and time. Whether an invoke was cold is REPORT's
/// word (Init Duration), not assumed. Latency counts from the send: nothing is queued, so there is no schedule to fall behind.
/// </summary>
public sealed class SequentialRunner(IInvokeTarget target, Func<CancellationToken, Task>? beforeEach = null)
{
    private int _completed;

    /// <summary>Invokes answered so far.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Runs up to <paramref name="count"/> invokes, starting none after <paramref name="maxDuration"/>; Ctrl+C keeps what was measured.</summary>
    public async Task<RunResult> RunAsync(int count, TimeSpan maxDuration, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var records = new List<RequestRecord>();
        var clock = Stopwatch.StartNew();
        var interrupted = false;
        for (var k = 0; k < count && clock.Elapsed < maxDuration; k++)
        {
            try
            {
                if (beforeEach is not null)
                {
                    await beforeEach(cancellationToken).ConfigureAwait(false);
                }

                var sent = clock.Elapsed;
                var result = await target.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
                var done = clock.Elapsed;
                var record = new RequestRecord { Index = k, ScheduledMs = sent.TotalMilliseconds, SentMs = sent.TotalMilliseconds, Outcome = RequestOutcome.Cancelled };
                records.Add(result.ApplyTo(record, sent.TotalMilliseconds, done.TotalMilliseconds));
                Interlocked.Increment(ref _completed);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
        }

        return new RunResult(records, clock.Elapsed, interrupted);
    }
}
