namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>An image written as an OCI image layout: its manifest, config and layers (lowest first), all blobs in
/// <c>{LayoutDirectory}/blobs/sha256</c>.</summary>
/// <param name="LayoutDirectory">The layout's directory.</param>
/// <param name="Manifest">The manifest's descriptor.</param>
/// <param name="Config">The config's descriptor.</param>
/// <param name="Layers">The layers, lowest first: model, natives, bootstrap.</param>
/// <param name="DiffIds">The layers' uncompressed digests, as the config lists them.</param>
internal sealed record OciImage(string LayoutDirectory, OciDescriptor Manifest, OciDescriptor Config, IReadOnlyList<OciDescriptor> Layers, IReadOnlyList<string> DiffIds)
{
    /// <summary>Where a blob is in the layout.</summary>
    public string BlobPath(OciDescriptor blob) => Path.Combine(LayoutDirectory, "blobs", "sha256", blob.Hex);
}
