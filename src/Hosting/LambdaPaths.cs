using System.Reflection;
using System.Text.RegularExpressions;
using Aspire.Hosting;

namespace LlamaAspire.Hosting;

/// <summary>Where things are on disk: the repository root, a project's build output.</summary>
internal static partial class LambdaPaths
{
    /// <summary>The nearest ancestor of <paramref name="start"/> holding a solution or <c>.git</c>; else <paramref name="start"/>.</summary>
    public static string RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || dir.EnumerateFiles("*.sln*").Any())
            {
                return dir.FullName;
            }
        }

        return start;
    }

    /// <summary>The build configuration the AppHost (and so its referenced projects) was built with.</summary>
    public static string BuildConfiguration =>
        typeof(LambdaPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "Debug";

    /// <summary>The project's assembly name: its <c>AssemblyName</c> property, else the project file's name.</summary>
    public static string AssemblyName(string projectPath)
    {
        if (File.Exists(projectPath) && AssemblyNameRegex().Match(File.ReadAllText(projectPath)) is { Success: true } m)
        {
            return m.Groups[1].Value.Trim();
        }

        return Path.GetFileNameWithoutExtension(projectPath);
    }

    /// <summary>
    /// The JIT build output of the project as the AppHost build left it: <c>bin/{Configuration}/{tfm}/{assembly}.dll</c>.
    /// The first existing candidate wins (the AppHost's configuration first); the AppHost's configuration otherwise.
    /// </summary>
    public static string JitAssemblyPath(string projectPath)
    {
        var projectDir = Path.GetDirectoryName(Path.GetFullPath(projectPath))!;
        var file = AssemblyName(projectPath) + ".dll";
        var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        string[] configurations = [BuildConfiguration, "Debug", "Release"];
        foreach (var configuration in configurations.Distinct())
        {
            var candidate = Path.Combine(projectDir, "bin", configuration, tfm, file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(projectDir, "bin", BuildConfiguration, tfm, file);
    }

    [GeneratedRegex("<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNameRegex();
}
