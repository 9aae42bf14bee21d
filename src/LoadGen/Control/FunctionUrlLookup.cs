using System.Net;
using System.Text.Json;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Control;

/// <summary>GetFunctionUrlConfig: the URL a deployed function is reachable at, for <c>--function-url</c>.</summary>
public static class FunctionUrlLookup
{
    /// <summary>The function's URL; <see cref="FunctionNotFoundException"/> when it has none, <see cref="InvalidOperationException"/> on any other refusal.</summary>
    public static async Task<Uri> GetAsync(HttpClient client, string functionName, IRequestSigner signer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(signer);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseAddress!, FunctionsApi.FunctionUrlConfigPath(functionName)));
        await signer.SignAsync(request, cancellationToken).ConfigureAwait(false);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FunctionNotFoundException($"GetFunctionUrlConfig of '{functionName}' answered 404: the function (or its URL) does not exist. {body}");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GetFunctionUrlConfig of '{functionName}' answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty(FunctionsApi.FunctionUrlMember, out var url) && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"GetFunctionUrlConfig of '{functionName}' answered without a {FunctionsApi.FunctionUrlMember}: {body}");
    }
}
