using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>The function's memory size in MB (128–10,240); it also sets the environment's vCPU share.</summary>
/// <param name="MegaBytes">The memory size in MB.</param>
public sealed record LambdaMemorySizeAnnotation(int MegaBytes) : IResourceAnnotation;

/// <summary>The function's timeout (1–900 s).</summary>
/// <param name="Timeout">The timeout.</param>
public sealed record LambdaTimeoutAnnotation(TimeSpan Timeout) : IResourceAnnotation;

/// <summary>The function's reserved concurrency: the most execution environments it may have at once.</summary>
/// <param name="Limit">The concurrency limit.</param>
public sealed record LambdaReservedConcurrencyAnnotation(int Limit) : IResourceAnnotation;

/// <summary>The function's provisioned concurrency: environments initialized ahead of traffic and kept warm.</summary>
/// <param name="Count">How many.</param>
public sealed record LambdaProvisionedConcurrencyAnnotation(int Count) : IResourceAnnotation;

/// <summary>How long an unused execution environment stays warm before the emulator shuts it down.</summary>
/// <param name="IdleTimeout">The idle timeout.</param>
public sealed record LambdaIdleTimeoutAnnotation(TimeSpan IdleTimeout) : IResourceAnnotation;

/// <summary>The function's architecture (x86_64 or arm64).</summary>
/// <param name="Architecture">The architecture.</param>
public sealed record LambdaArchitectureAnnotation(LambdaArchitecture Architecture) : IResourceAnnotation;

/// <summary>The function's ephemeral storage (<c>/tmp</c>) in MB, 512–10,240.</summary>
/// <param name="MegaBytes">The size in MB.</param>
public sealed record LambdaEphemeralStorageAnnotation(int MegaBytes) : IResourceAnnotation;

/// <summary>How the function's code is built and run.</summary>
public enum LambdaBuildKind
{
    /// <summary>The project's normal (JIT) build output, run as <c>dotnet {assembly}.dll</c>.</summary>
    Jit,

    /// <summary>A Native AOT <c>bootstrap</c> published by a build resource before the emulator starts.</summary>
    NativeAot,
}

/// <summary>The function's build: JIT (the default) or Native AOT.</summary>
/// <param name="Kind">The build kind.</param>
/// <param name="PublishDirectory">For <see cref="LambdaBuildKind.NativeAot"/>, where the publish step writes the bootstrap.</param>
/// <param name="PublishResource">For <see cref="LambdaBuildKind.NativeAot"/>, the executable resource that publishes it.</param>
public sealed record LambdaBuildAnnotation(LambdaBuildKind Kind, string? PublishDirectory = null, ExecutableResource? PublishResource = null) : IResourceAnnotation;

/// <summary>The JSON payload the dashboard's "Invoke sample prompt" command sends.</summary>
/// <param name="Payload">The JSON payload.</param>
public sealed record LambdaSamplePayloadAnnotation(string Payload) : IResourceAnnotation;

/// <summary>The model directory the function loads (<see cref="LambdaFunctionBuilderExtensions.WithModel"/>).</summary>
/// <param name="Model">The model resource.</param>
public sealed record LambdaModelAnnotation(LlamaModelResource Model) : IResourceAnnotation;
