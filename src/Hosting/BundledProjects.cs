using System.Reflection;
using Aspire.Hosting;

namespace LlamaAspire.Hosting;

/// <summary>The projects this integration runs (the emulator, the model builder), located at build time.</summary>
internal sealed class BundledProject(string metadataKey) : IProjectMetadata
{
    public static BundledProject LambdaEmulator { get; } = new("LambdaEmulatorProject");

    public static BundledProject ModelBuilder { get; } = new("ModelBuilderProject");

    public string ProjectPath { get; } = typeof(BundledProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == metadataKey).Value!;
}
