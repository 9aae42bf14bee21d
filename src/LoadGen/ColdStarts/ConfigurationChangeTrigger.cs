using LlamaAspire.LoadGen.Control;

namespace LlamaAspire.LoadGen.ColdStarts;

/// <summary>
/// lambda-perf's method, the one that works on AWS too: change an environment variable with UpdateFunctionConfiguration
/// (no execution environment of the old configuration may serve again), wait until the update is in effect.
/// </summary>
public sealed class ConfigurationChangeTrigger(IFunctionControl control, TimeSpan updateTimeout) : IColdStartTrigger
{
    /// <summary>The variable LoadGen changes; the function ignores it.</summary>
    public const string Variable = "LOADGEN_COLD_START";

    private int _count;

    /// <inheritdoc />
    public string Method => "UpdateFunctionConfiguration (environment variable)";

    /// <inheritdoc />
    public async Task ForceAsync(CancellationToken cancellationToken)
    {
        var state = await control.GetAsync(cancellationToken).ConfigureAwait(false);
        // The request's variables replace all of them: keep the function's own.
        var environment = new Dictionary<string, string>(state.Environment, StringComparer.Ordinal)
        {
            [Variable] = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-{Interlocked.Increment(ref _count)}",
        };
        await control.UpdateAsync(null, environment, cancellationToken).ConfigureAwait(false);
        await control.WaitUntilUpdatedAsync(updateTimeout, cancellationToken).ConfigureAwait(false);
    }
}
