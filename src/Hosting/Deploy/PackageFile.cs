namespace LlamaAspire.Hosting.Deploy;

/// <summary>One file of the function's package.</summary>
/// <param name="RelativePath">Its path in the package, from the package root (<c>/</c>-separated).</param>
/// <param name="SourcePath">Where it is on disk.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Layer">What it is.</param>
internal sealed record PackageFile(string RelativePath, string SourcePath, long Length, PackageLayer Layer)
{
    /// <summary>The file at <paramref name="sourcePath"/>, packaged as <paramref name="relativePath"/>.</summary>
    public static PackageFile From(string sourcePath, string relativePath, PackageLayer layer) =>
        new(relativePath.Replace('\\', '/'), sourcePath, new FileInfo(sourcePath).Length, layer);
}
