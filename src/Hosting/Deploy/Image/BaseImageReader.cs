using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>
/// Reads a base image from its registry with the registry HTTP API: the manifest for the function's architecture (through an
/// image index when the base is multi-platform), its config, and its layers as streams. Public registries
/// (<c>public.ecr.aws</c>) want an anonymous bearer token: it is fetched from the realm their <c>401</c> challenge names.
/// </summary>
internal sealed class BaseImageReader(HttpClient http, ImageReference image)
{
    private static readonly string[] s_manifestTypes =
    [
        OciMediaTypes.Manifest,
        OciMediaTypes.Index,
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ];

    private AuthenticationHeaderValue? _token;

    /// <summary>The base's manifest for <paramref name="architecture"/> (<c>amd64</c> or <c>arm64</c>), its bytes' digest and its config.</summary>
    public async Task<(JsonObject Manifest, string Digest, JsonObject Config)> ReadAsync(string architecture, CancellationToken cancellationToken)
    {
        var (manifest, digest) = await ManifestAsync(image.Reference, cancellationToken).ConfigureAwait(false);
        if (manifest["manifests"] is JsonArray platforms)
        {
            var chosen = platforms.OfType<JsonObject>().FirstOrDefault(m =>
                    (string?)m["platform"]?["architecture"] == architecture && (string?)m["platform"]?["os"] == "linux")
                ?? throw new InvalidOperationException($"The base image {image} has no linux/{architecture} image (it has " +
                    $"{string.Join(", ", platforms.Select(m => $"{m?["platform"]?["os"]}/{m?["platform"]?["architecture"]}"))}).");
            (manifest, digest) = await ManifestAsync((string)chosen["digest"]!, cancellationToken).ConfigureAwait(false);
        }

        var configDigest = (string?)manifest["config"]?["digest"] ?? throw new InvalidDataException($"The base image {image}'s manifest has no config.");
        using var configResponse = await SendAsync(HttpMethod.Get, $"blobs/{configDigest}", cancellationToken).ConfigureAwait(false);
        var config = JsonNode.Parse(await configResponse.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))?.AsObject()
            ?? throw new InvalidDataException($"The base image {image}'s config is empty.");
        var configArchitecture = (string?)config["architecture"];
        if (configArchitecture != architecture)
        {
            throw new InvalidOperationException($"The base image {image} is {configArchitecture}, not {architecture}.");
        }

        return (manifest, digest, config);
    }

    /// <summary>A layer's bytes, streamed (the response is the caller's to dispose).</summary>
    public Task<HttpResponseMessage> OpenBlobAsync(string digest, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"blobs/{digest}", cancellationToken, HttpCompletionOption.ResponseHeadersRead);

    private async Task<(JsonObject Manifest, string Digest)> ManifestAsync(string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"manifests/{reference}", cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var manifest = JsonNode.Parse(bytes)?.AsObject() ?? throw new InvalidDataException($"The base image {image}'s manifest {reference} is empty.");
        return (manifest, $"sha256:{Convert.ToHexStringLower(SHA256.HashData(bytes))}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = new HttpRequestMessage(method, new Uri(image.Registry, $"/v2/{image.Repository}/{path}"));
            foreach (var type in s_manifestTypes)
            {
                request.Headers.Accept.ParseAdd(type);
            }

            request.Headers.Authorization = _token;
            var response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            request.Dispose();
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0 && response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme == "Bearer") is { } challenge)
            {
                response.Dispose();
                _token = await TokenAsync(challenge, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                response.Dispose();
                throw new HttpRequestException($"Base image {image}: GET {path}: {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
            }

            return response;
        }
    }

    /// <summary>An anonymous pull token from the challenge's realm (Docker's token authentication).</summary>
    private async Task<AuthenticationHeaderValue> TokenAsync(AuthenticationHeaderValue challenge, CancellationToken cancellationToken)
    {
        var fields = (challenge.Parameter ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1].Trim('"'), StringComparer.OrdinalIgnoreCase);
        var realm = fields.GetValueOrDefault("realm") ?? throw new InvalidOperationException($"Base image {image}: the registry's Bearer challenge names no realm.");
        var query = $"scope={Uri.EscapeDataString($"repository:{image.Repository}:pull")}";
        if (fields.TryGetValue("service", out var service))
        {
            query += $"&service={Uri.EscapeDataString(service)}";
        }

        using var response = await http.GetAsync(new Uri($"{realm}?{query}"), cancellationToken).ConfigureAwait(false);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var token = (string?)answer?["token"] ?? (string?)answer?["access_token"]
            ?? throw new InvalidOperationException($"Base image {image}: the token service at {realm} answered {(int)response.StatusCode} without a token.");
        return new AuthenticationHeaderValue("Bearer", token);
    }
}
