using System.IO.Compression;
using System.Security.Cryptography;
using LlamaAspire.LambdaContracts.Deployment;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// Writes a Zip package: every file at its path from the zip root, lowest layer first, then by path, with a fixed
/// timestamp, so the same files give the same bytes (and the same content-hashed S3 key). Unix modes are recorded:
/// <c>bootstrap</c> 0755 (Lambda runs it as is), everything else 0644.
/// </summary>
internal static class ZipPackageWriter
{
    /// <summary>The DOS epoch: every entry's time, so the bytes do not depend on when files were built.</summary>
    private static readonly DateTimeOffset s_fixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int RegularFile = 0x8000;
    private const int Executable = 0x1ED; // 0755
    private const int Readable = 0x1A4;   // 0644

    /// <summary>Writes the zip to <paramref name="zipPath"/> and returns its SHA-256 as lower-case hex.</summary>
    public static async Task<string> WriteAsync(PackagePlan plan, string zipPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(zipPath))!);
        var temporary = zipPath + ".partial";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var file in plan.Files)
            {
                var entry = archive.CreateEntry(file.RelativePath, CompressionLevel.Optimal);
                entry.LastWriteTime = s_fixedTime;
                var mode = file.RelativePath == LambdaDeploymentNames.BootstrapFile ? Executable : Readable;
                entry.ExternalAttributes = unchecked((RegularFile | mode) << 16);
                await using var source = File.OpenRead(file.SourcePath);
                await using var target = entry.Open();
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(temporary, zipPath, overwrite: true);
        await using var written = File.OpenRead(zipPath);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(written, cancellationToken).ConfigureAwait(false));
    }
}
