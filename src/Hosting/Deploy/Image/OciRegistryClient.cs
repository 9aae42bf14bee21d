using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>
/// Pushes an <see cref="OciImage"/> with the registry HTTP API (OCI distribution spec): each blob unless the registry has
/// it (<c>HEAD</c>), as one monolithic upload (<c>POST</c> then <c>PUT ?digest=</c>), then the manifest under a tag.
/// Authentication (ECR's token) is the caller's <see cref="HttpClient"/>'s business.
/// </summary>
internal sealed class OciRegistryClient(HttpClient http, Uri registry)
{
    /// <summary>Pushes the image as <c>{repository}:{tag}</c>; returns the manifest digest the registry reports.</summary>
    public async Task<string> PushAsync(OciImage image, string repository, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        foreach (var blob in image.Layers.Append(image.Config))
        {
            await PushBlobAsync(image, blob, repository, cancellationToken).ConfigureAwait(false);
        }

        using var content = new StreamContent(File.OpenRead(image.BlobPath(image.Manifest)));
        content.Headers.ContentType = new MediaTypeHeaderValue(image.Manifest.MediaType);
        using var response = await http.PutAsync(new Uri(registry, $"/v2/{repository}/manifests/{tag}"), content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, $"PUT manifest {repository}:{tag}", cancellationToken).ConfigureAwait(false);
        return response.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? digests.First() : image.Manifest.Digest;
    }

    /// <summary>
    /// Pushes the image on top of <paramref name="baseImage"/>'s layers as <c>{repository}:{tag}</c>; returns the manifest
    /// digest. The base's layers go registry to registry: mounted from the base's repository when both are in this registry,
    /// else streamed from the base's registry; a layer the repository has is skipped.
    /// </summary>
    public async Task<string> PushOnBaseAsync(OciImage image, BaseImageReader baseImage, ImageReference baseName, string repository, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(baseName);
        var own = JsonNode.Parse(await File.ReadAllBytesAsync(image.BlobPath(image.Config), cancellationToken).ConfigureAwait(false))!.AsObject();
        var (baseManifest, baseDigest, baseConfig) = await baseImage.ReadAsync((string)own["architecture"]!, cancellationToken).ConfigureAwait(false);
        var sameRegistry = baseName.Registry.Authority == registry.Authority;
        foreach (var layer in baseManifest["layers"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var blob = new OciDescriptor((string)layer["mediaType"]!, (string)layer["digest"]!, (long)layer["size"]!);
            if (await HasBlobAsync(repository, blob, cancellationToken).ConfigureAwait(false)
                || (sameRegistry && await MountBlobAsync(repository, blob, baseName.Repository, cancellationToken).ConfigureAwait(false)))
            {
                continue;
            }

            using var source = await baseImage.OpenBlobAsync(blob.Digest, cancellationToken).ConfigureAwait(false);
            await UploadAsync(repository, blob, await source.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        foreach (var layer in image.Layers)
        {
            await PushBlobAsync(image, layer, repository, cancellationToken).ConfigureAwait(false);
        }

        var config = await PushJsonAsync(repository, OciMediaTypes.Config, BaseImageComposer.Config(baseConfig, own), cancellationToken).ConfigureAwait(false);
        var manifest = BaseImageComposer.Manifest(baseManifest, baseDigest, baseName.ToString(), config, image.Layers);
        var bytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.Manifest);
        using var response = await http.PutAsync(new Uri(registry, $"/v2/{repository}/manifests/{tag}"), content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, $"PUT manifest {repository}:{tag}", cancellationToken).ConfigureAwait(false);
        return $"sha256:{Convert.ToHexStringLower(SHA256.HashData(bytes))}";
    }

    /// <summary>Whether the registry already has the blob.</summary>
    public async Task<bool> HasBlobAsync(string repository, OciDescriptor blob, CancellationToken cancellationToken)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(registry, $"/v2/{repository}/blobs/{blob.Digest}"));
        using var response = await http.SendAsync(head, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Deletes the manifest a tag names (the registry API deletes by digest: the tag's is asked first).</summary>
    public async Task DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(registry, $"/v2/{repository}/manifests/{tag}"));
        head.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.Manifest));
        using var found = await http.SendAsync(head, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(found, $"HEAD manifest {repository}:{tag}", cancellationToken).ConfigureAwait(false);
        var digest = found.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? digests.First()
            : throw new InvalidOperationException($"The registry named no digest for {repository}:{tag}.");
        using var delete = await http.DeleteAsync(new Uri(registry, $"/v2/{repository}/manifests/{digest}"), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(delete, $"DELETE manifest {repository}@{digest}", cancellationToken).ConfigureAwait(false);
    }

    private async Task PushBlobAsync(OciImage image, OciDescriptor blob, string repository, CancellationToken cancellationToken)
    {
        if (await HasBlobAsync(repository, blob, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await using var file = File.OpenRead(image.BlobPath(blob));
        await UploadAsync(repository, blob, file, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OciDescriptor> PushJsonAsync(string repository, string mediaType, JsonObject json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        var blob = new OciDescriptor(mediaType, $"sha256:{Convert.ToHexStringLower(SHA256.HashData(bytes))}", bytes.Length);
        if (!await HasBlobAsync(repository, blob, cancellationToken).ConfigureAwait(false))
        {
            await UploadAsync(repository, blob, new MemoryStream(bytes), cancellationToken).ConfigureAwait(false);
        }

        return blob;
    }

    /// <summary>Cross-repository mount: true when the registry linked the blob without an upload (201), false when it
    /// started an upload instead (202, which is then abandoned: the caller uploads).</summary>
    private async Task<bool> MountBlobAsync(string repository, OciDescriptor blob, string from, CancellationToken cancellationToken)
    {
        var query = $"mount={Uri.EscapeDataString(blob.Digest)}&from={Uri.EscapeDataString(from)}";
        using var response = await http.PostAsync(new Uri(registry, $"/v2/{repository}/blobs/uploads/?{query}"), content: null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, $"POST blob mount {blob.Digest} from {from}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Created;
    }

    /// <summary>One monolithic upload (<c>POST</c>, then <c>PUT ?digest=</c> with the bytes).</summary>
    private async Task UploadAsync(string repository, OciDescriptor blob, Stream bytes, CancellationToken cancellationToken)
    {
        using var start = await http.PostAsync(new Uri(registry, $"/v2/{repository}/blobs/uploads/"), content: null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(start, $"POST blob upload {repository}", cancellationToken).ConfigureAwait(false);
        var location = start.Headers.Location ?? throw new InvalidOperationException($"The registry started an upload for {repository} without a Location.");
        var upload = location.IsAbsoluteUri ? location : new Uri(registry, location);
        var separator = upload.Query.Length > 0 ? "&" : "?";
        var target = new Uri(upload + $"{separator}digest={Uri.EscapeDataString(blob.Digest)}");

        using var content = new StreamContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = blob.Size;
        using var put = await http.PutAsync(target, content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(put, $"PUT blob {blob.Digest}", cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }
}
