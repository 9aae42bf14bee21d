using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaAspire.LambdaContracts.Deployment;

namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>
/// Writes a function's container image without a container engine, as an OCI image layout: each package layer is a
/// gzipped tarball (the model lowest, then the native libraries, then the <c>bootstrap</c> on top, so a code change
/// re-uploads only the top layer), and the config and manifest are JSON. Everything is deterministic (fixed times, owners
/// and order), so the same files give the same digests. The base image's layers (<see cref="DefaultBaseImage"/>) are not
/// in the layout: they are joined to these when the image is pushed to the function's registry.
/// </summary>
internal static class OciImageWriter
{
    /// <summary>The base the layers go on (named in the manifest's annotations).</summary>
    public const string DefaultBaseImage = "public.ecr.aws/lambda/provided:al2023";

    private static readonly JsonSerializerOptions s_compact = new() { WriteIndented = false };
    private static readonly UnixFileMode s_directory = (UnixFileMode)0b111_101_101;
    private static readonly UnixFileMode s_executable = (UnixFileMode)0b111_101_101;
    private static readonly UnixFileMode s_readable = (UnixFileMode)0b110_100_100;

    /// <summary>Where a package file is in the image: the bootstrap in the runtime directory, the rest in the task root.</summary>
    public static string ImagePath(PackageFile file) => file.Layer == PackageLayer.Bootstrap
        ? $"{LambdaDeploymentNames.RuntimeDirPath.TrimStart('/')}/{file.RelativePath}"
        : $"{LambdaDeploymentNames.TaskRootPath.TrimStart('/')}/{file.RelativePath}";

    /// <summary>Writes the layout to <paramref name="layoutDirectory"/> (replacing what was there).</summary>
    public static async Task<OciImage> WriteAsync(PackagePlan plan, LambdaArchitecture architecture, string layoutDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (Directory.Exists(layoutDirectory))
        {
            Directory.Delete(layoutDirectory, recursive: true);
        }

        var blobs = Path.Combine(layoutDirectory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);

        var layers = new List<OciDescriptor>();
        var diffIds = new List<string>();
        foreach (var group in plan.Files.GroupBy(f => f.Layer).OrderBy(g => g.Key))
        {
            var (layer, diffId) = await WriteLayerAsync(group.ToList(), blobs, cancellationToken).ConfigureAwait(false);
            layers.Add(layer);
            diffIds.Add(diffId);
        }

        var config = new JsonObject
        {
            ["architecture"] = architecture == LambdaArchitecture.Arm64 ? "arm64" : "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Entrypoint"] = new JsonArray($"{LambdaDeploymentNames.RuntimeDirPath}/{LambdaDeploymentNames.BootstrapFile}"),
                ["WorkingDir"] = LambdaDeploymentNames.TaskRootPath,
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode)d).ToArray()) },
            ["history"] = new JsonArray(plan.Files.Select(f => f.Layer).Distinct().Order()
                .Select(l => (JsonNode)new JsonObject { ["created_by"] = $"LlamaAspire: {l.ToString().ToLowerInvariant()} layer" }).ToArray()),
        };
        var configDescriptor = await WriteBlobAsync(blobs, OciMediaTypes.Config, config, cancellationToken).ConfigureAwait(false);

        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = Descriptor(configDescriptor),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)Descriptor(l)).ToArray()),
            ["annotations"] = new JsonObject { ["org.opencontainers.image.base.name"] = DefaultBaseImage },
        };
        var manifestDescriptor = await WriteBlobAsync(blobs, OciMediaTypes.Manifest, manifest, cancellationToken).ConfigureAwait(false);

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Index,
            ["manifests"] = new JsonArray(Descriptor(manifestDescriptor)),
        };
        await File.WriteAllTextAsync(Path.Combine(layoutDirectory, "index.json"), index.ToJsonString(s_compact), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(layoutDirectory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""", cancellationToken).ConfigureAwait(false);
        return new OciImage(layoutDirectory, manifestDescriptor, configDescriptor, layers, diffIds);
    }

    private static async Task<(OciDescriptor Layer, string DiffId)> WriteLayerAsync(List<PackageFile> files, string blobs, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(blobs, $"layer-{Guid.NewGuid():N}.partial");
        string digest;
        string diffId;
        long size;
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            var compressed = new HashingStream(file, leaveOpen: true);
            await using (compressed.ConfigureAwait(false))
            {
                // Random-looking weights barely compress; the fastest level keeps a 2 GB model layer to seconds.
                var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
                await using (gzip.ConfigureAwait(false))
                {
                    var tar = new HashingStream(gzip, leaveOpen: true);
                    await using (tar.ConfigureAwait(false))
                    {
                        await WriteTarAsync(files, tar, cancellationToken).ConfigureAwait(false);
                        diffId = tar.Digest();
                    }
                }

                // After the gzip stream's disposal has written its trailer.
                digest = compressed.Digest();
                size = compressed.Count;
            }
        }

        var descriptor = new OciDescriptor(OciMediaTypes.LayerGzip, digest, size);
        File.Move(temporary, Path.Combine(blobs, descriptor.Hex), overwrite: true);
        return (descriptor, diffId);
    }

    private static async Task WriteTarAsync(List<PackageFile> files, Stream stream, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var directories = files.Select(ImagePath).SelectMany(Parents).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            foreach (var directory in directories)
            {
                await writer.WriteEntryAsync(Entry(TarEntryType.Directory, directory + "/", s_directory), cancellationToken).ConfigureAwait(false);
            }

            foreach (var file in files)
            {
                var entry = Entry(TarEntryType.RegularFile, ImagePath(file), file.Layer == PackageLayer.Bootstrap ? s_executable : s_readable);
                var source = File.OpenRead(file.SourcePath);
                await using (source.ConfigureAwait(false))
                {
                    entry.DataStream = source;
                    await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode,
        ModificationTime = DateTimeOffset.UnixEpoch,
        Uid = 0,
        Gid = 0,
    };

    private static IEnumerable<string> Parents(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    private static async Task<OciDescriptor> WriteBlobAsync(string blobs, string mediaType, JsonObject json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString(s_compact));
        var descriptor = new OciDescriptor(mediaType, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        await File.WriteAllBytesAsync(Path.Combine(blobs, descriptor.Hex), bytes, cancellationToken).ConfigureAwait(false);
        return descriptor;
    }

    private static JsonObject Descriptor(OciDescriptor descriptor) => new()
    {
        ["mediaType"] = descriptor.MediaType,
        ["digest"] = descriptor.Digest,
        ["size"] = descriptor.Size,
    };
}
