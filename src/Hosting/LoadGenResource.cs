using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>
/// LoadGen as a dashboard resource: it runs nothing on its own; its commands (<em>Burst</em>, <em>Cold-start sweep</em>,
/// <em>Compare</em>) each run the LoadGen command line once against the emulator, with its output in the resource's log and
/// its report linked on the resource.
/// </summary>
public class LoadGenResource : Resource, IResourceWithWaitSupport
{
    /// <summary>Creates the resource.</summary>
    /// <param name="name">The resource name.</param>
    /// <param name="emulator">The emulator it measures.</param>
    /// <param name="projectPath">The LoadGen project.</param>
    /// <param name="outputDirectory">Where each run writes its results (a folder per run).</param>
    public LoadGenResource(string name, LambdaEmulatorResource emulator, string projectPath, string outputDirectory) : base(name)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        Emulator = emulator;
        ProjectPath = projectPath;
        OutputDirectory = outputDirectory;
    }

    /// <summary>The emulator it measures.</summary>
    public LambdaEmulatorResource Emulator { get; }

    /// <summary>The LoadGen project (its build output is what runs).</summary>
    public string ProjectPath { get; }

    /// <summary>Where each run writes its results.</summary>
    public string OutputDirectory { get; }

    /// <summary>Set while a command runs: one run at a time, so runs do not measure each other.</summary>
    internal int Busy;
}
