using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Comparing;

/// <summary>
/// One variant's side of the decision matrix at its measured warm duration (the mean Billed Duration of its warm invokes:
/// steady traffic is served warm): Lambda's cost per request, the container's price per hour, and the crossover rate.
/// </summary>
public sealed record VariantCrossover(string Name, int MemorySizeMb, double WarmBilledMs, decimal LambdaPerRequest, decimal ContainerPerHour, double? Rate)
{
    /// <summary>Requests per second one container serves, one at a time.</summary>
    public double Capacity => 1000 / WarmBilledMs;

    /// <summary>The figures of a variant with a memory size and at least one warm invoke with a REPORT; else null.</summary>
    public static VariantCrossover? Of(VariantResults variant, CostModel cost, ContainerPrices container)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(cost);
        var warm = variant.Requests.Where(r => r.Outcome == RequestOutcome.Ok && r.Report is { IsColdStart: false }).Select(r => r.Report!).ToList();
        var memory = variant.MemorySizeMb ?? warm.Select(r => (int?)r.MemorySizeMb).FirstOrDefault();
        if (warm.Count == 0 || memory is not { } mb)
        {
            return null;
        }

        var billed = warm.Average(r => r.BilledDurationMs);
        var lambda = cost.InvokeCost(billed, mb);
        var hourly = Crossover.ContainerPerHour(mb, container);
        return new VariantCrossover(variant.Name, mb, billed, lambda, hourly, Crossover.Rate(hourly, lambda, billed));
    }

    /// <summary>The decision in one sentence.</summary>
    public string Sentence(string architecture)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var container = string.Create(inv, $"an always-on container of {Crossover.ContainerVcpus(MemorySizeMb):0.##} vCPU and {MemorySizeMb / 1024.0:0.##} GB (${ContainerPerHour:0.0000}/h at Fargate {architecture} prices)");
        var lambda = string.Create(inv, $"Lambda's ${LambdaPerRequest * 1_000_000m:0.00} per 1M warm requests ({WarmBilledMs:0} ms billed)");
        return Rate is { } r
            ? string.Create(inv, $"{Name}: {container} is cheaper than {lambda} above {r:0.###} requests/s ({r * 86_400:N0} a day, steady).")
            : string.Create(inv, $"{Name}: {container} is never cheaper than {lambda}: even busy ({Capacity:0.##} requests/s, one at a time) it costs ${Crossover.ContainerPerMillion(ContainerPerHour, Capacity, WarmBilledMs):0.00} per 1M.");
    }
}
