using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Tuning;

/// <summary>
/// What a <c>tune</c> run optimised for, saved in results.json so that <c>report</c> recomputes the same recommendation from
/// the saved requests (the sentence is derived, not stored: it follows the figures if the prices or the data change).
/// </summary>
public sealed record TuneSetup
{
    /// <summary>What the recommendation optimises.</summary>
    public required TuneStrategy Strategy { get; init; }

    /// <summary>Balanced's weight on cost (0 = speed only, 1 = cost only).</summary>
    public required double Weight { get; init; }

    /// <summary>Every invoke was forced cold, so the cold p50 is compared instead of the p50 of all invokes.</summary>
    public bool ColdOnly { get; init; }

    /// <summary>The note when no size can be recommended.</summary>
    public const string NoRecommendation = "No recommendation: no memory size had a successful invoke with a REPORT.";

    /// <summary>
    /// The setup of a tune result saved before the setup was: Power Tuning's default (balanced, half the weight on cost),
    /// cold-only as the command name says; <see cref="Assumed"/> so the sentence can say it was not the run's own choice.
    /// </summary>
    public static TuneSetup Fallback(string command) =>
        new() { Strategy = TuneStrategy.Balanced, Weight = 0.5, ColdOnly = command.Contains("--cold-only", StringComparison.Ordinal), Assumed = true };

    /// <summary>Not saved with the run: <see cref="Fallback"/>'s default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Assumed { get; init; }

    /// <summary>The strategy's pick among the measured sizes: cold p50 with <see cref="ColdOnly"/>, else p50 of all invokes.</summary>
    public Recommendation? Recommend(ResultsDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var cost = document.CostModel();
        var candidates = document.Variants
            .Where(v => v.MemorySizeMb is not null)
            .Select(v => (v.MemorySizeMb!.Value, Summary: VariantSummary.Of(v.Requests, cost)))
            .Where(v => v.Summary.Cost is not null)
            .Select(v => new TuneCandidate(v.Value, ColdOnly ? v.Summary.Cold.P50 : v.Summary.All.P50, v.Summary.Cost!.PerMillionRequests / 1_000_000m))
            .ToList();
        return Recommendation.Choose(candidates, Strategy, Weight);
    }

    /// <summary>The recommendation's sentence, or why there is none; says when the strategy was assumed.</summary>
    public string Sentence(ResultsDocument document)
    {
        var sentence = Recommend(document)?.Sentence ?? NoRecommendation;
        return Assumed ? sentence + " (The run's strategy was not saved: balanced, weight 0.5 on cost, assumed.)" : sentence;
    }
}
