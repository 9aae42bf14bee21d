using LlamaAspire.LambdaContracts;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>The package chosen for a function's files, and why: Zip when they fit Lambda's unzipped limit, else an image.</summary>
/// <param name="Kind">Zip or container image.</param>
/// <param name="Files">The files, lowest layer first, then by path.</param>
/// <param name="Reason">The decision in words, with the sizes against the limits.</param>
internal sealed record PackagePlan(PackageKind Kind, IReadOnlyList<PackageFile> Files, string Reason)
{
    /// <summary>All files' bytes, as Lambda counts a package unzipped.</summary>
    public long TotalBytes => Files.Sum(f => f.Length);

    /// <summary>The bytes of one layer.</summary>
    public long BytesOf(PackageLayer layer) => Files.Where(f => f.Layer == layer).Sum(f => f.Length);

    /// <summary>The package type's own limit.</summary>
    public long LimitBytes => Kind == PackageKind.Zip ? LambdaLimits.MaxUnzippedCodeBytes : LambdaLimits.MaxImageBytes;

    /// <summary>Chooses Zip when the files fit Lambda's 250 MB unzipped limit, else a container image. A package beyond
    /// the image limit too is still planned as an image; <see cref="DeployChecks"/> refuses it.</summary>
    public static PackagePlan Choose(IEnumerable<PackageFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var ordered = files.OrderBy(f => f.Layer).ThenBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        var total = ordered.Sum(f => f.Length);
        var parts = string.Join(", ", Enum.GetValues<PackageLayer>()
            .Select(l => (Layer: l, Bytes: ordered.Where(f => f.Layer == l).Sum(f => f.Length)))
            .Where(x => x.Bytes > 0)
            .Select(x => $"{x.Layer.ToString().ToLowerInvariant()} {ByteSize.Format(x.Bytes)}"));

        if (total <= LambdaLimits.MaxUnzippedCodeBytes)
        {
            return new PackagePlan(PackageKind.Zip, ordered,
                $"Zip: {ByteSize.Format(total)} unzipped ({parts}) fits Lambda's {ByteSize.Format(LambdaLimits.MaxUnzippedCodeBytes)} " +
                $"unzipped limit with {ByteSize.Format(LambdaLimits.MaxUnzippedCodeBytes - total)} to spare.");
        }

        var room = LambdaLimits.MaxImageBytes - total;
        var imageFit = room >= 0
            ? $"a container image holds up to {ByteSize.Format(LambdaLimits.MaxImageBytes)} ({ByteSize.Format(room)} to spare)"
            : $"and the container image limit of {ByteSize.Format(LambdaLimits.MaxImageBytes)} by {ByteSize.Format(-room)}";
        return new PackagePlan(PackageKind.Image, ordered,
            $"Image: {ByteSize.Format(total)} ({parts}) exceeds Lambda's {ByteSize.Format(LambdaLimits.MaxUnzippedCodeBytes)} Zip " +
            $"unzipped limit by {ByteSize.Format(total - LambdaLimits.MaxUnzippedCodeBytes)}; {imageFit}.");
    }
}
