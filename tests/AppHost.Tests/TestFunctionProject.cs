using System.Reflection;
using Aspire.Hosting;

namespace LlamaAspire.AppHost.Tests;

/// <summary>tests/TestFunction as project metadata (what an AppHost's generated <c>Projects.*</c> would be), located at build time.</summary>
public sealed class TestFunctionProject : IProjectMetadata
{
    /// <inheritdoc />
    public string ProjectPath { get; } = typeof(TestFunctionProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == nameof(TestFunctionProject)).Value!;
}
