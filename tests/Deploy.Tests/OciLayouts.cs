using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Reads an OCI image layout back the way a registry client would: index → manifest → config and layers.</summary>
internal static class OciLayouts
{
    public static string Blob(string layout, string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);

    public static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;

    public static JsonElement Manifest(string layout) =>
        Json(Blob(layout, Json(Path.Combine(layout, "index.json")).GetProperty("manifests")[0].GetProperty("digest").GetString()!));

    public static List<string> LayerDigests(JsonElement manifest) =>
        manifest.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToList();

    /// <summary>The layer's tar entries (name, mode) and the SHA-256 of its uncompressed tar.</summary>
    public static (List<(string Name, UnixFileMode Mode, TarEntryType Type)> Entries, string DiffId) Layer(string blobPath)
    {
        using var file = File.OpenRead(blobPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new MemoryStream();
        gzip.CopyTo(tar);
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar.ToArray()));
        tar.Position = 0;
        var entries = new List<(string, UnixFileMode, TarEntryType)>();
        using var reader = new TarReader(tar);
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add((entry.Name, entry.Mode, entry.EntryType));
        }

        return (entries, diffId);
    }
}
