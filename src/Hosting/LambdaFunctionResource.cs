using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>
/// A Lambda function hosted by a <see cref="LambdaEmulatorResource"/>. It is not a process of its own: the emulator
/// starts one process per execution environment on demand. Its settings (memory, timeout, concurrency, environment)
/// are annotations that the emulator's environment callback turns into <c>Lambda__Functions__{name}__*</c> variables.
/// </summary>
public class LambdaFunctionResource : Resource, IResourceWithParent<LambdaEmulatorResource>, IResourceWithEnvironment, IResourceWithWaitSupport
{
    /// <summary>Creates a function resource.</summary>
    /// <param name="name">The resource name, which is also the Lambda function name.</param>
    /// <param name="emulator">The emulator that hosts the function.</param>
    /// <param name="projectPath">The path of the function's project file.</param>
    public LambdaFunctionResource(string name, LambdaEmulatorResource emulator, string projectPath) : base(name)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentException.ThrowIfNullOrEmpty(projectPath);
        Parent = emulator;
        ProjectPath = projectPath;
    }

    /// <summary>The emulator that hosts this function.</summary>
    public LambdaEmulatorResource Parent { get; }

    /// <summary>The function's project file.</summary>
    public string ProjectPath { get; }

    /// <summary>The Lambda function name (the resource name).</summary>
    public string FunctionName => Name;
}
