namespace LlamaAspire.LoadGen.Cost;

/// <summary>
/// Lambda prices (on-demand and provisioned concurrency), us-east-1, first duration tier (../shared/reference/cold-start-facts.md §2): defaults that every
/// command lets you override, because prices differ by region and change.
/// </summary>
public sealed record LambdaPrices
{
    /// <summary>Instruction-set architectures Lambda prices separately.</summary>
    public const string X64 = "x86_64", Arm64 = "arm64";

    /// <summary>$ per request ($0.20 per 1M).</summary>
    public decimal PerRequest { get; init; } = 0.20m / 1_000_000m;

    /// <summary>$ per GB-second of billed duration on x86_64.</summary>
    public decimal X64PerGbSecond { get; init; } = 0.0000166667m;

    /// <summary>$ per GB-second of billed duration on arm64 (Graviton).</summary>
    public decimal Arm64PerGbSecond { get; init; } = 0.0000133334m;

    /// <summary>Provisioned concurrency: $ per GB-second allocated, x86_64 (billed whether used or not).</summary>
    public decimal X64ProvisionedPerGbSecond { get; init; } = 0.0000041667m;

    /// <summary>Provisioned concurrency: $ per GB-second allocated, arm64.</summary>
    public decimal Arm64ProvisionedPerGbSecond { get; init; } = 0.0000033334m;

    /// <summary>Duration on a provisioned environment, $ per GB-second, x86_64 (instead of the on-demand price).</summary>
    public decimal X64ProvisionedDurationPerGbSecond { get; init; } = 0.0000097222m;

    /// <summary>Duration on a provisioned environment, $ per GB-second, arm64.</summary>
    public decimal Arm64ProvisionedDurationPerGbSecond { get; init; } = 0.0000077778m;

    /// <summary>The provisioned-concurrency allocation price of <paramref name="architecture"/>, $ per GB-second.</summary>
    public decimal ProvisionedPerGbSecond(string architecture) => architecture == Arm64 ? Arm64ProvisionedPerGbSecond : X64ProvisionedPerGbSecond;

    /// <summary>The duration price on a provisioned environment of <paramref name="architecture"/>, $ per GB-second.</summary>
    public decimal ProvisionedDurationPerGbSecond(string architecture) =>
        architecture == Arm64 ? Arm64ProvisionedDurationPerGbSecond : X64ProvisionedDurationPerGbSecond;

    /// <summary>The GB-second price of <paramref name="architecture"/> (<see cref="X64"/> or <see cref="Arm64"/>).</summary>
    public decimal PerGbSecond(string architecture) => architecture switch
    {
        X64 => X64PerGbSecond,
        Arm64 => Arm64PerGbSecond,
        _ => throw new ArgumentException($"Unknown architecture '{architecture}': use {X64} or {Arm64}.", nameof(architecture)),
    };
}
