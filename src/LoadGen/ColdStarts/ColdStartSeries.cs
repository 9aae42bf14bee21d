using System.Diagnostics;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.ColdStarts;

/// <summary>
/// K forced cold starts, one after the other (lambda-perf's method): force, invoke once, record; bounded by count and time.
/// Whether each invoke really was cold is REPORT's word (Init Duration), not assumed.
/// </summary>
public sealed class ColdStartSeries(IInvokeTarget target, IColdStartTrigger trigger)
{
    private int _completed;

    /// <summary>Cold starts measured so far.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Runs up to <paramref name="count"/> cold starts within <paramref name="maxDuration"/>; Ctrl+C keeps what was measured.</summary>
    public async Task<Scheduling.RunResult> RunAsync(int count, TimeSpan maxDuration, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var records = new List<RequestRecord>();
        var clock = Stopwatch.StartNew();
        var interrupted = false;
        for (var k = 0; k < count && clock.Elapsed < maxDuration; k++)
        {
            try
            {
                await trigger.ForceAsync(cancellationToken).ConfigureAwait(false);
                var sent = clock.Elapsed;
                var result = await target.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
                var latency = (clock.Elapsed - sent).TotalMilliseconds;
                records.Add(new RequestRecord
                {
                    Index = k,
                    ScheduledMs = sent.TotalMilliseconds,
                    SentMs = sent.TotalMilliseconds,
                    LatencyMs = latency,
                    ServiceMs = latency,
                    Outcome = result.Outcome,
                    StatusCode = result.StatusCode,
                    ErrorType = result.ErrorType,
                    RequestId = result.RequestId,
                    Report = result.Report,
                    Answer = result.Answer,
                });
                Interlocked.Increment(ref _completed);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
        }

        return new Scheduling.RunResult(records, clock.Elapsed, interrupted);
    }
}
