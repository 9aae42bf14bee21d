using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// What an execution environment needs from the emulator, and nothing more: the function's settings as they were when the
/// environment was created (a configuration update retires it), the platform's services, and the lock its state changes take.
/// </summary>
public sealed record EnvironmentContext(
    string FunctionName,
    FunctionOptions Function,
    FunctionArn Arn,
    bool Freeze,
    TimeSpan ShutdownGracePeriod,
    PlatformLog Log,
    ResourceLimits Limits,
    OrphanGuard Guard,
    Lock StateLock);
