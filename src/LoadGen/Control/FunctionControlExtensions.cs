namespace LlamaAspire.LoadGen.Control;

/// <summary>Waiting for an update, as callers of UpdateFunctionConfiguration must before they invoke.</summary>
public static class FunctionControlExtensions
{
    /// <summary>Polls until the last update is in effect (LastUpdateStatus Successful); <see cref="TimeoutException"/> past <paramref name="timeout"/>.</summary>
    public static async Task<FunctionState> WaitUntilUpdatedAsync(this IFunctionControl control, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(control);
        var until = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var state = await control.GetAsync(cancellationToken).ConfigureAwait(false);
            if (state.UpdateComplete)
            {
                return state;
            }

            if (DateTime.UtcNow >= until)
            {
                throw new TimeoutException($"The function's configuration update was not in effect after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }
}
