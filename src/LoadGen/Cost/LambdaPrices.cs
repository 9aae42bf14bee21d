namespace LlamaAspire.LoadGen.Cost;

/// <summary>
/// Lambda on-demand prices, us-east-1, first duration tier (../shared/reference/cold-start-facts.md §2): defaults that every
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

    /// <summary>The GB-second price of <paramref name="architecture"/> (<see cref="X64"/> or <see cref="Arm64"/>).</summary>
    public decimal PerGbSecond(string architecture) => architecture switch
    {
        X64 => X64PerGbSecond,
        Arm64 => Arm64PerGbSecond,
        _ => throw new ArgumentException($"Unknown architecture '{architecture}': use {X64} or {Arm64}.", nameof(architecture)),
    };
}
