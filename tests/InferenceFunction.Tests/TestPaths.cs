using System.Reflection;

namespace LlamaAspire.InferenceFunction.Tests;

internal static class TestPaths
{
    static string Metadata(string key) =>
        Path.GetFullPath(typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);

    public static string ModelBuilderDll => Metadata("ModelBuilderDll");
    public static string FunctionDll => Metadata("FunctionDll");
    public static string FunctionProject => Metadata("FunctionProject");

    public static string NewTempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
