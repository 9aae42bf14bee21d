using LlamaAspire.LambdaContracts.Management;

namespace LlamaAspire.LoadGen.ColdStarts;

/// <summary>
/// The emulator's own command (<see cref="ManagementApi.RecycleCommand"/>): idle environments stop at once, busy ones after
/// their invoke, and none of them takes another invoke. Emulator only; on AWS the same effect takes a configuration change.
/// </summary>
public sealed class EmulatorRecycleTrigger(HttpClient client, string functionName) : IColdStartTrigger
{
    /// <inheritdoc />
    public string Method => $"emulator {ManagementApi.RecycleCommand}";

    /// <inheritdoc />
    public async Task ForceAsync(CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync(ManagementApi.CommandPath(functionName, ManagementApi.RecycleCommand), null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"{Method} of '{functionName}' answered {(int)response.StatusCode}: {body}");
        }
    }
}
