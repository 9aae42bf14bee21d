using LlamaAspire.LambdaContracts;
using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Control;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Scheduling;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Tuning;

/// <summary>
/// <c>tune</c>'s sweep: for each memory size, UpdateFunctionConfiguration MemorySize, wait until it is in effect, then N
/// invokes one at a time (the first is cold: a new configuration needs new environments) or, cold-only, N forced cold
/// starts. The function's memory size is put back afterwards, also when the sweep fails or is stopped.
/// </summary>
public sealed class MemorySweep(IFunctionControl control, IInvokeTarget target, IColdStartTrigger coldTrigger, TimeSpan updateTimeout)
{
    /// <summary>Power Tuning's usual powers: 1,024 MB, one vCPU (1,769 MB), 3,008, 5,308 (4 vCPUs visible) and the maximum.</summary>
    public static IReadOnlyList<int> DefaultMemorySizes { get; } = [1024, (int)LambdaLimits.MbPerVcpu, 3008, 5308, LambdaLimits.MaxMemoryMb];

    private int _finished;
    private SequentialRunner? _running;

    /// <summary>Invokes answered so far, over all memory sizes.</summary>
    public int Completed => Volatile.Read(ref _finished) + (Volatile.Read(ref _running)?.Completed ?? 0);

    /// <summary>The memory size being measured (for progress).</summary>
    public int? Current { get; private set; }

    /// <summary>Sweeps; stops starting new sizes after <paramref name="maxDuration"/> or on Ctrl+C, keeping what was measured.</summary>
    public async Task<(IReadOnlyList<VariantResults> Variants, bool Interrupted)> RunAsync(
        IReadOnlyList<int> memorySizes, int invocations, bool coldOnly, TimeSpan maxDuration, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memorySizes);
        var started = DateTime.UtcNow;
        var original = await control.GetAsync(cancellationToken).ConfigureAwait(false);
        var variants = new List<VariantResults>();
        var interrupted = false;
        try
        {
            foreach (var memory in memorySizes)
            {
                var remaining = maxDuration - (DateTime.UtcNow - started);
                if (remaining <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
                {
                    interrupted |= cancellationToken.IsCancellationRequested;
                    break;
                }

                Current = memory;
                await control.UpdateAsync(memory, null, cancellationToken).ConfigureAwait(false);
                await control.WaitUntilUpdatedAsync(updateTimeout, cancellationToken).ConfigureAwait(false);
                var runner = new SequentialRunner(target, coldOnly ? coldTrigger.ForceAsync : null);
                Volatile.Write(ref _running, runner);
                var result = await runner.RunAsync(invocations, remaining, payload, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _finished, runner.Completed);
                Volatile.Write(ref _running, null);
                variants.Add(new VariantResults($"{memory} MB", memory, result.Requests));
                if (result.Interrupted)
                {
                    interrupted = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }
        finally
        {
            Current = null;
            Volatile.Write(ref _running, null);
            await control.UpdateAsync(original.MemorySizeMb, null, CancellationToken.None).ConfigureAwait(false);
            await control.WaitUntilUpdatedAsync(updateTimeout, CancellationToken.None).ConfigureAwait(false);
        }

        return (variants, interrupted);
    }
}
