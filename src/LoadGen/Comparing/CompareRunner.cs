using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Control;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Scheduling;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Comparing;

/// <summary>
/// <c>compare</c>'s run: every variant measured the same way, one after another — its memory size set by
/// UpdateFunctionConfiguration when the variant names one, K forced cold starts (lambda-perf's method), then N warm invokes
/// one at a time with the same payload — and each function's memory size put back afterwards, also on failure or Ctrl+C.
/// </summary>
public sealed class CompareRunner(Func<string, (IInvokeTarget Target, IFunctionControl Control)> connect, TimeSpan updateTimeout)
{
    private int _finished;
    private SequentialRunner? _running;

    /// <summary>Invokes answered so far, over all variants.</summary>
    public int Completed => Volatile.Read(ref _finished) + (Volatile.Read(ref _running)?.Completed ?? 0);

    /// <summary>Variants not measured because their function does not exist at the target, with the answer.</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    private readonly List<string> _skipped = [];

    /// <summary>The variant being measured (for progress).</summary>
    public string? Current { get; private set; }

    /// <summary>Runs the variants; stops starting new work after <paramref name="maxDuration"/> or on Ctrl+C, keeping what was measured.</summary>
    public async Task<(IReadOnlyList<VariantResults> Variants, bool Interrupted)> RunAsync(IReadOnlyList<CompareVariant> variants,
        int coldStarts, int warmInvokes, TimeSpan maxDuration, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var started = DateTime.UtcNow;
        var results = new List<VariantResults>();
        var interrupted = false;
        try
        {
            foreach (var variant in variants)
            {
                if (DateTime.UtcNow - started >= maxDuration || cancellationToken.IsCancellationRequested)
                {
                    interrupted |= cancellationToken.IsCancellationRequested;
                    break;
                }

                var measured = await MeasureAsync(variant, coldStarts, warmInvokes, started + maxDuration, payload, cancellationToken).ConfigureAwait(false);
                if (measured is not var (result, stopped))
                {
                    continue;
                }

                results.Add(result);
                if (stopped)
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
        }

        return (results, interrupted);
    }

    /// <summary>One variant; null when its function does not exist at the target (skipped, the reason kept in <see cref="Skipped"/>).</summary>
    private async Task<(VariantResults Result, bool Interrupted)?> MeasureAsync(CompareVariant variant, int coldStarts, int warmInvokes,
        DateTime deadline, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var (target, control) = connect(variant.Function);
        FunctionState original;
        try
        {
            original = await control.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FunctionNotFoundException ex)
        {
            _skipped.Add($"{variant.Function}: skipped, the target has no such function ({ex.Message}).{MissingFunctionNote.Remedy(variant.Function)}");
            return null;
        }

        var environment = await EnvironmentOfAsync(variant, original, cancellationToken).ConfigureAwait(false);
        if (environment is { Missing: { } missing })
        {
            _skipped.Add($"{variant.NameAt(variant.MemorySizeMb ?? original.MemorySizeMb)}: skipped, {missing}");
            return null;
        }

        var memory = variant.MemorySizeMb ?? original.MemorySizeMb;
        Current = variant.NameAt(memory);
        var memoryChanged = memory != original.MemorySizeMb;
        var variables = environment?.Variables;
        try
        {
            if (memoryChanged || variables is not null)
            {
                await control.UpdateAsync(memoryChanged ? memory : null, variables, cancellationToken).ConfigureAwait(false);
                await control.WaitUntilUpdatedAsync(updateTimeout, cancellationToken).ConfigureAwait(false);
            }

            var trigger = new ConfigurationChangeTrigger(control, updateTimeout);
            var cold = await RunPartAsync(new SequentialRunner(target, trigger.ForceAsync), coldStarts, deadline, payload, cancellationToken).ConfigureAwait(false);
            // Warm: the environment the last cold start made answers them (one at a time, so no second one is started).
            var warm = cold.Interrupted
                ? new RunResult([], TimeSpan.Zero, false)
                : await RunPartAsync(new SequentialRunner(target), warmInvokes, deadline, payload, cancellationToken).ConfigureAwait(false);
            var requests = cold.Requests.Concat(warm.Requests.Select(r => r with { Index = r.Index + cold.Requests.Count })).ToList();
            return (new VariantResults(Current, memory, requests, variant.Function), cold.Interrupted || warm.Interrupted);
        }
        finally
        {
            // The function's own size and variables back (the cold-start trigger's variable with them).
            await control.UpdateAsync(memoryChanged ? original.MemorySizeMb : null, original.Environment, CancellationToken.None).ConfigureAwait(false);
            await control.WaitUntilUpdatedAsync(updateTimeout, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The function's variables with the variant's set over them (<c>+NAME=@other</c> read from <c>other</c>'s configuration);
    /// null when the variant sets none; <c>Missing</c> says why a value could not be found.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, string>? Variables, string? Missing)?> EnvironmentOfAsync(CompareVariant variant, FunctionState original,
        CancellationToken cancellationToken)
    {
        if (variant.Environment.Count == 0)
        {
            return null;
        }

        var variables = new Dictionary<string, string>(original.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in variant.Environment)
        {
            if (!value.StartsWith(CompareVariant.FromFunction))
            {
                variables[name] = value;
                continue;
            }

            var donor = value[1..];
            try
            {
                var state = await connect(donor).Control.GetAsync(cancellationToken).ConfigureAwait(false);
                if (!state.Environment.TryGetValue(name, out var donated))
                {
                    return (null, $"{donor} has no variable {name} to take.");
                }

                variables[name] = donated;
            }
            catch (FunctionNotFoundException)
            {
                return (null, $"the target has no function {donor} to take {name} from.{MissingFunctionNote.Remedy(donor)}");
            }
        }

        return (variables, null);
    }

    private async Task<RunResult> RunPartAsync(SequentialRunner runner, int count, DateTime deadline, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _running, runner);
        try
        {
            var remaining = deadline - DateTime.UtcNow;
            return remaining <= TimeSpan.Zero
                ? new RunResult([], TimeSpan.Zero, false)
                : await runner.RunAsync(count, remaining, payload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Add(ref _finished, runner.Completed);
            Volatile.Write(ref _running, null);
        }
    }
}
