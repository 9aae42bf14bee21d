namespace LlamaAspire.Hosting;

/// <summary>What the deployed function runs on.</summary>
public enum LambdaDeployRuntime
{
    /// <summary>The Native AOT <c>bootstrap</c> on the OS-only runtime <c>provided.al2023</c> (the default): the fastest cold
    /// start without a snapshot, Zip or container image.</summary>
    NativeAot,

    /// <summary>The managed <c>dotnet10</c> runtime: the function as a framework-dependent executable assembly run JIT,
    /// Zip only; the runtime SnapStart needs.</summary>
    Managed,
}
