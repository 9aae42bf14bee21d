namespace LlamaAspire.LambdaContracts;

/// <summary>Lambda's quotas and sizing rules (see <c>../shared/reference/lambda-platform.md</c>).</summary>
public static class LambdaLimits
{
    /// <summary>Largest synchronous request payload (6 MiB); larger is a 413 <see cref="InvokeApi.Exceptions.RequestEntityTooLarge"/>.</summary>
    public const int MaxSyncRequestBytes = 6_291_456;

    /// <summary>Largest buffered response; beyond it the invoke fails with <see cref="LambdaErrorTypes.ResponseSizeTooLarge"/>.
    /// 100 bytes above the request limit, as Lambda's own error message states it.</summary>
    public const int MaxBufferedResponseBytes = 6_291_556;

    /// <summary>Largest asynchronous (Event) payload: 1 MiB since October 2025.</summary>
    public const int MaxEventPayloadBytes = 1_048_576;

    /// <summary>Largest streamed response: 200 MiB.</summary>
    public const long MaxStreamedResponseBytes = 200L * 1024 * 1024;

    /// <summary>Largest zip uploaded directly with the call (50 MB).</summary>
    public const long MaxZipUploadBytes = 52_428_800;

    /// <summary>Largest function code unzipped, layers included (250 MB).</summary>
    public const long MaxUnzippedCodeBytes = 262_144_000;

    /// <summary>Largest container image, all layers uncompressed (10 GB).</summary>
    public const long MaxImageBytes = 10_737_418_240;

    /// <summary>Smallest (and the free) ephemeral storage, <c>/tmp</c>, MB.</summary>
    public const int MinEphemeralStorageMb = 512;

    /// <summary>Largest ephemeral storage, MB.</summary>
    public const int MaxEphemeralStorageMb = 10_240;

    /// <summary>Largest ephemeral storage SnapStart accepts, MB: it does not support more than the default.</summary>
    public const int MaxSnapStartEphemeralStorageMb = 512;

    /// <summary>Largest total size of a function's environment variables (4 KB).</summary>
    public const int MaxEnvironmentBytes = 4096;

    /// <summary>Code storage of a region's account (75 GB).</summary>
    public const long TotalCodeStorageBytes = 80_530_636_800;

    /// <summary>Bytes of log in <see cref="InvokeApi.Headers.LogResult"/>: the last 4 KB.</summary>
    public const int LogTailBytes = 4096;

    /// <summary>The init phase's limit for on-demand environments; past it init is retried inside the invoke ("suppressed init").</summary>
    public static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>SIGTERM to SIGKILL at shutdown.</summary>
    public static readonly TimeSpan ShutdownGracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>Smallest MemorySize.</summary>
    public const int MinMemoryMb = 128;

    /// <summary>Largest MemorySize.</summary>
    public const int MaxMemoryMb = 10_240;

    /// <summary>Longest function timeout, seconds.</summary>
    public const int MaxTimeoutSeconds = 900;

    /// <summary>Memory that buys one vCPU: Lambda allocates CPU in proportion to memory.</summary>
    public const double MbPerVcpu = 1_769;

    /// <summary>Most vCPUs a function gets (at 10,240 MB).</summary>
    public const int MaxVcpus = 6;

    /// <summary>The vCPU share of a memory size: MemorySize ÷ 1,769 MB, at most 6.</summary>
    public static double VcpusFor(int memoryMb) => Math.Min(MaxVcpus, memoryMb / MbPerVcpu);

    /// <summary>MemorySize in bytes, as <c>faas.max_memory</c> carries it.</summary>
    public static long MemoryBytes(int memoryMb) => memoryMb * 1024L * 1024L;
}
