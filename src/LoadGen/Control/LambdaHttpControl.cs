using System.Net;
using System.Net.Http.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Control;

/// <summary>
/// GetFunctionConfiguration and UpdateFunctionConfiguration over HTTP (<see cref="FunctionsApi.ConfigurationPath"/>, the
/// contracts' DTOs), as the emulator serves them and AWS does with a SigV4 <see cref="IRequestSigner"/>.
/// </summary>
public sealed class LambdaHttpControl(HttpClient client, string functionName, IRequestSigner signer) : IFunctionControl
{
    private static readonly FunctionsJsonContext Json = FunctionsJsonContext.Default;

    /// <summary>A second update while one is in progress is a 409: wait and retry this many times.</summary>
    private const int ConflictRetries = 20;

    /// <inheritdoc />
    public async Task<FunctionState> GetAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseAddress!, FunctionsApi.ConfigurationPath(functionName)));
        await signer.SignAsync(request, cancellationToken).ConfigureAwait(false);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "GetFunctionConfiguration", cancellationToken).ConfigureAwait(false);
        var configuration = await response.Content.ReadFromJsonAsync(Json.FunctionConfiguration, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"GetFunctionConfiguration of '{functionName}' answered nothing.");
        return new FunctionState(
            configuration.MemorySize,
            configuration.Environment?.Variables ?? new Dictionary<string, string>(),
            configuration.LastUpdateStatus is null or FunctionsApi.UpdateStatuses.Successful);
    }

    /// <inheritdoc />
    public async Task UpdateAsync(int? memorySizeMb, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var body = new UpdateFunctionConfigurationRequest
        {
            MemorySize = memorySizeMb,
            Environment = environment is null ? null : new FunctionEnvironment(environment),
        };
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(client.BaseAddress!, FunctionsApi.ConfigurationPath(functionName)))
            {
                Content = JsonContent.Create(body, Json.UpdateFunctionConfigurationRequest),
            };
            await signer.SignAsync(request, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Conflict && attempt < ConflictRetries)
            {
                // ResourceConflictException: the previous update is still being applied.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
                continue;
            }

            await EnsureSuccessAsync(response, "UpdateFunctionConfiguration", cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var type = response.Headers.TryGetValues(InvokeApi.Headers.ErrorType, out var values) ? values.FirstOrDefault() : null;
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var message = $"{call} of '{functionName}' answered {(int)response.StatusCode} {type}: {text}";
            throw response.StatusCode == System.Net.HttpStatusCode.NotFound ? new FunctionNotFoundException(message) : new InvalidOperationException(message);
        }
    }
}
