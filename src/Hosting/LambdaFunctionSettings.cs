using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.Hosting;

/// <summary>The instruction set a function runs on (<c>AWS::Lambda::Function.Architectures</c>).</summary>
public enum LambdaArchitecture
{
    /// <summary><c>x86_64</c> (the default).</summary>
    X64,

    /// <summary><c>arm64</c> (Graviton).</summary>
    Arm64,
}

/// <summary>
/// A function's settings as <c>AWS::Lambda::Function</c> has them — what a template writer needs, in run and publish mode
/// alike. How the emulator launches it locally (command, arguments, working directory, idle timeout) is
/// <see cref="LambdaLaunchSettings"/>, kept apart so nothing local leaks into a deployment.
/// </summary>
/// <param name="FunctionName">The function name.</param>
/// <param name="MemorySize">MB, 128–10,240.</param>
/// <param name="Timeout">1–900 s.</param>
/// <param name="Architecture">The instruction set.</param>
/// <param name="EphemeralStorageMb"><c>/tmp</c> size, 512–10,240 MB.</param>
/// <param name="ReservedConcurrency">The most concurrent environments, or null for none reserved.</param>
/// <param name="Environment">The function's environment variables, evaluated for the execution context.</param>
/// <param name="Build">JIT or Native AOT.</param>
/// <param name="ProjectPath">The function's project.</param>
public sealed record LambdaFunctionSettings(
    string FunctionName,
    int MemorySize,
    TimeSpan Timeout,
    LambdaArchitecture Architecture,
    int EphemeralStorageMb,
    int? ReservedConcurrency,
    IReadOnlyDictionary<string, string> Environment,
    LambdaBuildKind Build,
    string ProjectPath)
{
    /// <summary>Environments initialized ahead of traffic and kept warm (0: none); on AWS, on the published alias.</summary>
    public int ProvisionedConcurrency { get; init; }

    /// <summary>SnapStart (<c>WithSnapStart()</c>): on AWS on published versions; in the emulator, cold starts restore a held environment.</summary>
    public bool SnapStart { get; init; }

    /// <summary>Lambda's default memory size.</summary>
    public const int DefaultMemorySize = LambdaLimits.MinMemoryMb;

    /// <summary>Lambda's default timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Lambda's default (and free) ephemeral storage.</summary>
    public const int DefaultEphemeralStorageMb = 512;

    /// <summary>The architecture as CloudFormation spells it.</summary>
    public string ArchitectureName => Architecture == LambdaArchitecture.Arm64 ? "arm64" : "x86_64";

    /// <summary>Reads the settings from the function's annotations, running its environment callbacks for
    /// <paramref name="executionContext"/> (so a publish sees the same variables, with publish-mode values, as a run).</summary>
    public static async Task<LambdaFunctionSettings> ReadAsync(LambdaFunctionResource function, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(executionContext);

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        if (function.TryGetAnnotationsOfType<EnvironmentCallbackAnnotation>(out var callbacks))
        {
            var context = new EnvironmentCallbackContext(executionContext, function, values, cancellationToken);
            foreach (var callback in callbacks)
            {
                await callback.Callback(context).ConfigureAwait(false);
            }
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            environment[key] = value switch
            {
                string s => s,
                IValueProvider provider => await provider.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "",
                IManifestExpressionProvider expression => expression.ValueExpression,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
            };
        }

        return new LambdaFunctionSettings(
            function.Name,
            function.TryGetLastAnnotation<LambdaMemorySizeAnnotation>(out var memory) ? memory.MegaBytes : DefaultMemorySize,
            function.TryGetLastAnnotation<LambdaTimeoutAnnotation>(out var timeout) ? timeout.Timeout : DefaultTimeout,
            function.TryGetLastAnnotation<LambdaArchitectureAnnotation>(out var architecture) ? architecture.Architecture : LambdaArchitecture.X64,
            function.TryGetLastAnnotation<LambdaEphemeralStorageAnnotation>(out var storage) ? storage.MegaBytes : DefaultEphemeralStorageMb,
            function.TryGetLastAnnotation<LambdaReservedConcurrencyAnnotation>(out var concurrency) ? concurrency.Limit : null,
            environment,
            function.TryGetLastAnnotation<LambdaBuildAnnotation>(out var build) ? build.Kind : LambdaBuildKind.Jit,
            function.ProjectPath)
        {
            ProvisionedConcurrency = function.TryGetLastAnnotation<LambdaProvisionedConcurrencyAnnotation>(out var provisioned) ? provisioned.Count : 0,
            // One setting for both places it applies, as provisioned concurrency: the deployment's and the emulator's.
            SnapStart = function.DeployOptions().SnapStart,
        };
    }
}

/// <summary>How the emulator launches a function locally: nothing here belongs in a deployment.</summary>
/// <param name="Command">The executable.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="WorkingDirectory">Its working directory (<c>LAMBDA_TASK_ROOT</c>).</param>
/// <param name="IdleTimeout">How long an unused environment stays warm, or null for the emulator's default.</param>
public sealed record LambdaLaunchSettings(string Command, IReadOnlyList<string> Arguments, string WorkingDirectory, TimeSpan? IdleTimeout)
{
    /// <summary>The launch of <paramref name="function"/>: its AOT <c>bootstrap</c>, or <c>dotnet {assembly}.dll</c>.</summary>
    public static LambdaLaunchSettings For(LambdaFunctionResource function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var idle = function.TryGetLastAnnotation<LambdaIdleTimeoutAnnotation>(out var i) ? i.IdleTimeout : (TimeSpan?)null;
        if (function.TryGetLastAnnotation<LambdaBuildAnnotation>(out var build) && build.Kind == LambdaBuildKind.NativeAot)
        {
            var directory = build.PublishDirectory!;
            return new LambdaLaunchSettings(Path.Combine(directory, LambdaPaths.AssemblyName(function.ProjectPath)), [], directory, idle);
        }

        var assembly = LambdaPaths.JitAssemblyPath(function.ProjectPath);
        return new LambdaLaunchSettings("dotnet", [assembly], Path.GetDirectoryName(assembly)!, idle);
    }
}
