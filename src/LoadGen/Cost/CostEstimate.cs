namespace LlamaAspire.LoadGen.Cost;

/// <summary>
/// The cost of a measured traffic mix scaled to a million requests: request fees + billed GB-seconds, per 1M output
/// tokens, and the share of it the cold starts account for.
/// </summary>
public sealed record CostEstimate(
    decimal PerMillionRequests,
    decimal? PerMillionOutputTokens,
    double ColdStartShare,
    int BilledRequests)
{
    /// <summary>
    /// Estimates from billed invokes (billed ms, memory MB, cold or not, output tokens). Invokes without a REPORT are
    /// left out: nothing says what they were billed.
    /// </summary>
    public static CostEstimate? From(CostModel model, IEnumerable<BilledInvoke> invokes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(invokes);
        decimal total = 0, cold = 0;
        long tokens = 0;
        var count = 0;
        foreach (var invoke in invokes)
        {
            var cost = model.InvokeCost(invoke.BilledDurationMs, invoke.MemorySizeMb);
            total += cost;
            if (invoke.Cold)
            {
                cold += cost;
            }

            tokens += invoke.OutputTokens ?? 0;
            count++;
        }

        if (count == 0)
        {
            return null;
        }

        return new CostEstimate(
            total / count * 1_000_000m,
            tokens > 0 ? total / tokens * 1_000_000m : null,
            total == 0 ? 0 : (double)(cold / total),
            count);
    }
}

/// <summary>One invoke as the bill sees it.</summary>
public readonly record struct BilledInvoke(double BilledDurationMs, int MemorySizeMb, bool Cold, int? OutputTokens);
