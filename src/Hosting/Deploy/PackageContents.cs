using LlamaAspire.LambdaContracts.Deployment;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>What goes into a function's package, and the environment it runs with there.</summary>
internal static class PackageContents
{
    /// <summary>The function's model directory variable (<c>WithModel</c> sets it to the local path).</summary>
    public const string ModelDirVariable = "MODEL_DIR";

    /// <summary>
    /// The publish directory's <c>bootstrap</c> and native libraries (symbol files left out), and the model directory's files
    /// at the package root.
    /// </summary>
    public static List<PackageFile> Collect(string publishDirectory, string? modelDirectory)
    {
        var files = new List<PackageFile>();
        foreach (var path in Directory.EnumerateFiles(publishDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(".dbg", StringComparison.Ordinal) || name.EndsWith(".pdb", StringComparison.Ordinal))
            {
                continue;
            }

            files.Add(PackageFile.From(path, name, name == LambdaDeploymentNames.BootstrapFile ? PackageLayer.Bootstrap : PackageLayer.Natives));
        }

        if (modelDirectory is not null)
        {
            foreach (var path in Directory.EnumerateFiles(modelDirectory, "*", SearchOption.AllDirectories))
            {
                files.Add(PackageFile.From(path, Path.GetRelativePath(modelDirectory, path), PackageLayer.Model));
            }
        }

        var clashes = files.GroupBy(f => f.RelativePath, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (clashes.Count > 0)
        {
            throw new InvalidOperationException($"The model directory and the published function both have {string.Join(", ", clashes)}.");
        }

        return files;
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
}
