namespace LlamaAspire.LoadGen.Cost;

/// <summary>
/// What Lambda bills for an invoke: the request fee plus billed duration × memory × the GB-second price. Billed Duration is
/// REPORT's, which on a cold start already includes the init phase (billed for every runtime since August 2025), so
/// init is charged where it happened. Memory is MemorySize ÷ 1,024 GB, as Lambda converts it.
/// </summary>
public sealed class CostModel(LambdaPrices prices, string architecture)
{
    private readonly decimal _perGbSecond = prices.PerGbSecond(architecture);

    /// <summary>The prices in use.</summary>
    public LambdaPrices Prices => prices;

    /// <summary>The architecture priced.</summary>
    public string Architecture => architecture;

    /// <summary>The duration charge of one invoke, $.</summary>
    public decimal DurationCost(double billedDurationMs, int memorySizeMb) =>
        (decimal)billedDurationMs / 1000m * (memorySizeMb / 1024m) * _perGbSecond;

    /// <summary>The full charge of one invoke (request fee + duration), $.</summary>
    public decimal InvokeCost(double billedDurationMs, int memorySizeMb) =>
        prices.PerRequest + DurationCost(billedDurationMs, memorySizeMb);

    /// <summary>
    /// AWS Lambda Power Tuning's per-invocation cost, for comparison: ⌈billed ms⌉ × its base price per ms at 128 MB ×
    /// (memory ÷ 128). Power Tuning leaves out the request fee.
    /// </summary>
    public static decimal PowerTuningCost(double billedDurationMs, int memorySizeMb, decimal baseCostPerMsAt128Mb) =>
        (decimal)Math.Ceiling(billedDurationMs) * baseCostPerMsAt128Mb * (memorySizeMb / 128m);
}
