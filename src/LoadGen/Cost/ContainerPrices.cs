namespace LlamaAspire.LoadGen.Cost;

/// <summary>
/// An always-on container's prices, for the decision matrix's crossover: AWS Fargate, Linux, us-east-1
/// (../shared/reference/cold-start-facts.md §9, widely quoted, not re-verified there) — defaults every command lets you override.
/// </summary>
public sealed record ContainerPrices
{
    /// <summary>$ per vCPU-hour.</summary>
    public decimal PerVcpuHour { get; init; }

    /// <summary>$ per GB-hour.</summary>
    public decimal PerGbHour { get; init; }

    /// <summary>Fargate's prices for <paramref name="architecture"/> (<see cref="LambdaPrices.X64"/> or <see cref="LambdaPrices.Arm64"/>).</summary>
    public static ContainerPrices FargateDefaults(string architecture) => architecture switch
    {
        LambdaPrices.X64 => new ContainerPrices { PerVcpuHour = 0.04048m, PerGbHour = 0.004445m },
        LambdaPrices.Arm64 => new ContainerPrices { PerVcpuHour = 0.03238m, PerGbHour = 0.00356m },
        _ => throw new ArgumentException($"Unknown architecture '{architecture}'.", nameof(architecture)),
    };
}
