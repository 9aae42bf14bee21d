using System.Reflection;
using System.Text.RegularExpressions;
using LlamaAspire.LambdaContracts.Deployment;
using LlamaAspire.LambdaContracts.Management;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.LambdaContracts.Tests;

/// <summary>The contracts library is the only place in <c>src/</c> that spells a protocol name or limit.</summary>
public sealed partial class SingleSourceTests
{
    private static readonly Type[] ContractTypes =
    [
        typeof(RuntimeApi), typeof(InvokeApi), typeof(LambdaEnvironmentVariables), typeof(LambdaErrorTypes),
        typeof(PlatformTelemetry), typeof(FunctionTelemetryNames), typeof(FaasAttributes), typeof(ManagementApi),
        typeof(LambdaDeploymentNames),
    ];

    /// <summary>Values distinctive enough that a quoted copy elsewhere is a second spelling, not a coincidence.</summary>
    private static IEnumerable<string> DistinctiveNames() =>
        ContractTypes.SelectMany(t => t.GetNestedTypes().Append(t))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.Length >= 8 && v.IndexOfAny(['.', '-', '_', '/']) >= 0 && !v.StartsWith("application/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"(?<![\w.])(6_?291_?456|6_?291_?556|1_?048_?576|1_?769)(?![\w.])")]
    private static partial Regex LimitLiteral();

    [Fact]
    public void No_protocol_name_is_spelled_outside_the_contracts_library()
    {
        var names = DistinctiveNames().ToList();
        Assert.Contains(RuntimeApi.Headers.AwsRequestId, names);
        Assert.Contains(PlatformTelemetry.InitSpan, names);
        Assert.Contains(InvokeApi.Headers.LogResult, names);

        var copies = (from file in SourceFiles()
                      let text = File.ReadAllText(file)
                      from name in names
                      where text.Contains('"' + name + '"', StringComparison.Ordinal)
                      select $"{Path.GetRelativePath(Root, file)}: \"{name}\"").ToList();

        Assert.True(copies.Count == 0, "Spelled again outside src/LambdaContracts:\n" + string.Join('\n', copies));
    }

    [Fact]
    public void No_Lambda_limit_is_spelled_outside_the_contracts_library()
    {
        var copies = (from file in SourceFiles()
                      from line in File.ReadLines(file).Select((text, i) => (text, i))
                      where !line.text.TrimStart().StartsWith("//", StringComparison.Ordinal) && LimitLiteral().IsMatch(line.text)
                      select $"{Path.GetRelativePath(Root, file)}:{line.i + 1}: {line.text.Trim()}").ToList();

        Assert.True(copies.Count == 0, "Limits spelled outside src/LambdaContracts:\n" + string.Join('\n', copies));
    }

    private static string Root { get; } = Path.GetFullPath(typeof(SingleSourceTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    private static List<string> SourceFiles()
    {
        var src = Path.Combine(Root, "src");
        var contracts = Path.Combine(src, "LambdaContracts") + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(contracts, StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        return files;
    }
}
