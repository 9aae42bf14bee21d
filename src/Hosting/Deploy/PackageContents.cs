using LlamaAspire.LambdaContracts.Deployment;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>What goes into a function's package, and the environment it runs with there.</summary>
internal static class PackageContents
{
    /// <summary>The function's model directory variable (<c>WithModel</c> sets it to the local path).</summary>
    public const string ModelDirVariable = "MODEL_DIR";

    /// <summary>
    /// The publish directory's files (symbol files left out) and the model directory's files, all from the package root.
    /// </summary>
    public static List<PackageFile> Collect(string publishDirectory, string? modelDirectory)
    {
        var files = CodeFiles(publishDirectory);
        if (modelDirectory is not null)
        {
            files.AddRange(ModelFiles(modelDirectory));
        }

        var clashes = files.GroupBy(f => f.RelativePath, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (clashes.Count > 0)
        {
            throw new InvalidOperationException($"The model directory and the published function both have {string.Join(", ", clashes)}.");
        }

        return files;
    }

    /// <summary>
    /// The published function: native libraries (<c>*.so</c>, e.g. <c>libonnxruntime.so</c>) in the natives layer; everything
    /// else — the Native AOT <c>bootstrap</c>, or the managed assemblies with their <c>.deps.json</c> and
    /// <c>.runtimeconfig.json</c> — is the function's code, the top layer. Symbol files are left out.
    /// </summary>
    public static List<PackageFile> CodeFiles(string publishDirectory)
    {
        var files = new List<PackageFile>();
        foreach (var path in Directory.EnumerateFiles(publishDirectory, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(".dbg", StringComparison.Ordinal) || name.EndsWith(".pdb", StringComparison.Ordinal))
            {
                continue;
            }

            var relative = Path.GetRelativePath(publishDirectory, path);
            files.Add(PackageFile.From(path, relative, IsNativeLibrary(name) ? PackageLayer.Natives : PackageLayer.Bootstrap));
        }

        return files;
    }

    /// <summary>The model directory's files, at the package root.</summary>
    public static List<PackageFile> ModelFiles(string modelDirectory) =>
        [.. Directory.EnumerateFiles(modelDirectory, "*", SearchOption.AllDirectories)
            .Select(path => PackageFile.From(path, Path.GetRelativePath(modelDirectory, path), PackageLayer.Model))];

    /// <summary>
    /// The managed runtime's <c>Handler</c> for an executable assembly: the assembly's name, found as the one
    /// <c>{name}.runtimeconfig.json</c> of the function's code (a class library has none).
    /// </summary>
    public static string ManagedHandler(PackagePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var suffix = LambdaDeploymentNames.ManagedAssemblyFiles.RuntimeConfigSuffix;
        var configs = plan.Files
            .Where(f => f.Layer == PackageLayer.Bootstrap && !f.RelativePath.Contains('/', StringComparison.Ordinal) && f.RelativePath.EndsWith(suffix, StringComparison.Ordinal))
            .Select(f => f.RelativePath[..^suffix.Length])
            .ToList();
        return configs.Count == 1
            ? configs[0]
            : throw new InvalidOperationException($"The managed runtime needs one executable assembly with a *{suffix} at the package root; found {configs.Count}.");
    }

    /// <summary>The function's environment on Lambda: the model is unpacked at the task root, not at the local path.</summary>
    public static SortedDictionary<string, string> DeployedEnvironment(IReadOnlyDictionary<string, string> local, bool hasModel)
    {
        var environment = new SortedDictionary<string, string>(local.ToDictionary(), StringComparer.Ordinal);
        if (hasModel)
        {
            environment[ModelDirVariable] = LambdaDeploymentNames.TaskRootPath;
        }

        return environment;
    }

    /// <summary><c>libx.so</c> or a versioned <c>libx.so.1.2</c>.</summary>
    private static bool IsNativeLibrary(string name) =>
        name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal);
}
