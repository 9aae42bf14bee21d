using Aspire.Hosting.ApplicationModel;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>Where a deployment's defaults differ from Lambda's (and the emulator's).</summary>
internal static class DeployDefaults
{
    /// <summary>An LLM function deploys at 10,240 MB unless <c>WithMemorySize</c> says otherwise: it is the only size with
    /// all 6 vCPUs, and generation is bound by CPU and memory bandwidth. Lambda's own default of 128 MB cannot hold a model.</summary>
    public const int MemorySize = LambdaLimits.MaxMemoryMb;

    /// <summary>The settings with the deployment defaults applied where the function sets nothing.</summary>
    public static LambdaFunctionSettings Apply(LambdaFunctionResource function, LambdaFunctionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(settings);
        return function.TryGetLastAnnotation<LambdaMemorySizeAnnotation>(out _) ? settings : settings with { MemorySize = MemorySize };
    }
}
