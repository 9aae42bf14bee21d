using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Tuning;

namespace LlamaAspire.LoadGen.Output;

/// <summary>results.json: one run, every request of every variant (schema in src/LoadGen/README.md).</summary>
public sealed record ResultsDocument
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int CurrentSchema = 1;

    /// <summary>Schema version.</summary>
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>The command line's command and shape, e.g. <c>run burst</c>.</summary>
    public required string Command { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Where the invokes went.</summary>
    public required string Target { get; init; }

    /// <summary>The function invoked.</summary>
    public required string Function { get; init; }

    /// <summary>The architecture the cost is priced for.</summary>
    public required string Architecture { get; init; }

    /// <summary>The prices used.</summary>
    public required LambdaPrices Prices { get; init; }

    /// <summary>The run was stopped (Ctrl+C, or the drain timeout) before everything answered.</summary>
    public bool Interrupted { get; init; }

    /// <summary>The variants measured (one for <c>run</c> and <c>cold</c>, one per memory size for <c>tune</c>).</summary>
    public required IReadOnlyList<VariantResults> Variants { get; init; }

    /// <summary><c>compare</c>'s setup (absent for other commands): what its table and crossover are drawn from.</summary>
    public CompareSetup? Compare { get; init; }

    /// <summary>
    /// The always-on container's prices the crossover is drawn at (run, cold, tune; <c>compare</c> keeps them in its setup).
    /// Absent in results saved before they were: Fargate's defaults for the architecture.
    /// </summary>
    public ContainerPrices? Container { get; init; }

    /// <summary>The container prices for this document's crossover: compare's, else the saved ones, else Fargate's defaults.</summary>
    public ContainerPrices CrossoverContainer() => Compare?.Container ?? Container ?? ContainerPrices.FargateDefaults(Architecture);

    /// <summary><c>tune</c>'s strategy (absent for other commands): <c>report</c> recomputes the recommendation from it.</summary>
    public TuneSetup? Tune { get; init; }

    /// <summary>
    /// What the run observed that its requests cannot tell again — variants compare skipped and why, forced invokes answered
    /// warm by which method — so <c>report</c> prints them as the run did. Figures derived from the requests are not stored.
    /// </summary>
    public IReadOnlyList<string>? Notes { get; init; }

    /// <summary>The cost model of this document's prices and architecture.</summary>
    public CostModel CostModel() => new(Prices, Architecture);
}

/// <summary>One variant's requests; <paramref name="Function"/> when the variants are different functions (<c>compare</c>).</summary>
public sealed record VariantResults(string Name, int? MemorySizeMb, IReadOnlyList<RequestRecord> Requests, string? Function = null);
