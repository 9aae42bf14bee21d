using LlamaAspire.LoadGen.Cost;

namespace LlamaAspire.LoadGen.Comparing;

/// <summary>
/// What a <c>compare</c> run measured with and what its table needs to be drawn again by <c>report</c> on another machine:
/// the method (K cold, N warm), the cores present when it ran (vCPU shares above them were capped), the S3 throughput and
/// model size the download estimate uses, the container prices and the provisioned concurrency priced.
/// </summary>
public sealed record CompareSetup
{
    /// <summary>Forced cold starts per variant.</summary>
    public required int ColdStarts { get; init; }

    /// <summary>Warm invokes per variant, after the cold starts.</summary>
    public required int WarmInvokes { get; init; }

    /// <summary><see cref="Environment.ProcessorCount"/> where it ran: the emulator caps a vCPU share at the cores present.</summary>
    public required int ProcessorCount { get; init; }

    /// <summary>The Lambda-to-S3 throughput the download estimate assumes, MB/s.</summary>
    public required double S3MegabytesPerSecond { get; init; }

    /// <summary>The model's size as downloaded, MB, when given (the estimate needs it).</summary>
    public double? ModelMegabytes { get; init; }

    /// <summary>The always-on container's prices for the crossover.</summary>
    public required ContainerPrices Container { get; init; }

    /// <summary>Provisioned environments priced beside on-demand (0: not priced).</summary>
    public int Provisioned { get; init; }
}
