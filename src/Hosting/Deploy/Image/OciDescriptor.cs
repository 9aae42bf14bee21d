namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>A content descriptor: what a manifest says of a blob.</summary>
/// <param name="MediaType">The blob's media type.</param>
/// <param name="Digest"><c>sha256:{hex}</c> of the blob's bytes.</param>
/// <param name="Size">The blob's size in bytes.</param>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size)
{
    /// <summary>The digest's hex part (the blob's file name in a layout).</summary>
    public string Hex => Digest["sha256:".Length..];
}
