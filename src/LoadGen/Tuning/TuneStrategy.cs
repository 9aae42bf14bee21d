namespace LlamaAspire.LoadGen.Tuning;

/// <summary>What <c>tune</c> optimises, as AWS Lambda Power Tuning names it.</summary>
public enum TuneStrategy
{
    /// <summary>The cheapest per invoke; the faster on a tie.</summary>
    Cost,

    /// <summary>The fastest; the cheaper on a tie.</summary>
    Speed,

    /// <summary>The lowest weight × cost ⁄ max cost + (1 − weight) × latency ⁄ max latency.</summary>
    Balanced,
}
