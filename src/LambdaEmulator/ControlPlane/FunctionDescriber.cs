using System.Globalization;
using System.Runtime.InteropServices;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaEmulator.Environments;

namespace LlamaAspire.LambdaEmulator.ControlPlane;

/// <summary>An emulated function in the Lambda API's shapes.</summary>
public static class FunctionDescriber
{
    /// <summary>The architecture the emulator's own processes run on: the functions' too.</summary>
    public static string Architecture { get; } = RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64
        ? FunctionsApi.Architectures.Arm64
        : FunctionsApi.Architectures.X64;

    public static FunctionConfiguration Configuration(FunctionPool f)
    {
        var options = f.Options;
        var revision = f.Revision;
        var code = f.Code;
        return new FunctionConfiguration
        {
            FunctionName = f.Name,
            FunctionArn = f.Arn.ToString(),
            Runtime = FunctionsApi.CustomRuntime,
            Role = $"arn:aws:iam::{f.Arn.AccountId}:role/{f.Name}-role",
            Handler = FunctionsApi.BootstrapHandler,
            CodeSize = code.Size,
            Description = options.Description ?? "",
            Timeout = options.Timeout,
            MemorySize = options.MemorySize,
            LastModified = revision.LastModified.UtcDateTime.ToString(FunctionsApi.TimestampFormat, CultureInfo.InvariantCulture),
            CodeSha256 = code.Sha256,
            Environment = options.Environment.Count > 0 ? new FunctionEnvironment(options.Environment) : null,
            TracingConfig = new TracingConfig("PassThrough"),
            RevisionId = revision.Id,
            State = FunctionsApi.States.Active,
            LastUpdateStatus = revision.UpdateStatus,
            PackageType = FunctionsApi.ZipPackageType,
            Architectures = [Architecture],
            EphemeralStorage = new EphemeralStorage(512),
            LoggingConfig = new LoggingConfig("Text", LambdaEnvironmentVariables.LogGroupOf(f.Name)),
            // The emulator runs one version and applies SnapStart to it, so "On" when set (AWS reports Off for $LATEST).
            SnapStart = options.SnapStart
                ? new SnapStartResponse(FunctionsApi.SnapStartApplyOn.PublishedVersions, FunctionsApi.SnapStartOptimizationStatus.On)
                : new SnapStartResponse(FunctionsApi.SnapStartApplyOn.None, FunctionsApi.SnapStartOptimizationStatus.Off),
        };
    }

    /// <summary>GetFunction: the configuration, where the code is (a local path here), and reserved concurrency if set.</summary>
    public static GetFunctionResponse Function(FunctionPool f) => new(
        Configuration(f),
        new FunctionCodeLocation("Local", f.Code.Path is { } path ? new Uri(path).AbsoluteUri : ""),
        f.ReservedConcurrency is { } reserved ? new FunctionConcurrency(reserved) : null);
}
