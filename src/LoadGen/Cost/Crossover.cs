using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LoadGen.Cost;

/// <summary>
/// The decision matrix: at a steady rate of r requests per second, Lambda costs the same per request whatever r is (the
/// request fee + the warm billed duration × GB × the GB-second price), while an always-on container sized to the function
/// (Lambda's vCPU share of that memory, the same GB) costs its hourly price whatever it serves. The container is cheaper
/// above r* = hourly ÷ 3,600 ÷ Lambda's cost per request. A container serves one request at a time as a Lambda environment
/// does (an LLM forward pass uses every core it has), so one container carries at most 1 ÷ warm duration requests per second
/// and more are started above that; at full use its cost per request is hourly × duration ÷ 3,600, so if that is still
/// above Lambda's there is no crossover at any rate.
/// </summary>
public static class Crossover
{
    /// <summary>The container's vCPUs: Lambda's share for the memory (one per <see cref="LambdaLimits.MbPerVcpu"/>).</summary>
    public static double ContainerVcpus(int memorySizeMb) => LambdaLimits.VcpusFor(memorySizeMb);

    /// <summary>The always-on container's price per hour: vCPUs × vCPU-hour + GB × GB-hour (GB = MB ÷ 1,024).</summary>
    public static decimal ContainerPerHour(int memorySizeMb, ContainerPrices prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        return (decimal)ContainerVcpus(memorySizeMb) * prices.PerVcpuHour + memorySizeMb / 1024m * prices.PerGbHour;
    }

    /// <summary>The steady rate (requests/s) above which the container is cheaper; null when it never is.</summary>
    public static double? Rate(decimal containerPerHour, decimal lambdaPerRequest, double warmDurationMs)
    {
        if (lambdaPerRequest <= 0 || warmDurationMs <= 0)
        {
            return null;
        }

        var rate = (double)(containerPerHour / 3600m / lambdaPerRequest);
        // Within one container's capacity, or the same comparison repeats at every added container and never turns.
        return rate * warmDurationMs / 1000 <= 1 ? rate : null;
    }

    /// <summary>Containers needed at <paramref name="rate"/>, one request at a time each (at least one: it is always on).</summary>
    public static int Containers(double rate, double warmDurationMs) => Math.Max(1, (int)Math.Ceiling(rate * warmDurationMs / 1000 - 1e-9));

    /// <summary>The containers' $ per 1M requests at a steady <paramref name="rate"/>.</summary>
    public static decimal ContainerPerMillion(decimal containerPerHour, double rate, double warmDurationMs) =>
        Containers(rate, warmDurationMs) * containerPerHour / 3600m / (decimal)rate * 1_000_000m;

    /// <summary>
    /// Lambda with <paramref name="provisioned"/> environments kept initialised, $ per 1M requests at a steady rate: each
    /// request's fee, its duration at the provisioned price while the concurrency it needs (rate × duration) fits in the
    /// provisioned environments and at the on-demand price for the share that spills over, plus the allocation
    /// (environments × GB × the allocated price, every second) spread over the requests.
    /// </summary>
    public static decimal ProvisionedPerMillion(LambdaPrices prices, string architecture, int provisioned, int memorySizeMb,
        double warmBilledMs, double rate)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var gb = memorySizeMb / 1024m;
        var seconds = (decimal)warmBilledMs / 1000m;
        var needed = rate * warmBilledMs / 1000;
        var onProvisioned = needed <= provisioned ? 1m : (decimal)(provisioned / needed);
        var duration = seconds * gb * (onProvisioned * prices.ProvisionedDurationPerGbSecond(architecture)
            + (1 - onProvisioned) * prices.PerGbSecond(architecture));
        var allocation = provisioned * gb * prices.ProvisionedPerGbSecond(architecture) / (decimal)rate;
        return (prices.PerRequest + duration + allocation) * 1_000_000m;
    }

    /// <summary>
    /// The rate above which <paramref name="provisioned"/> environments cost less than on-demand: where the allocation per
    /// request equals the duration saved, N × allocated ÷ (duration × (on-demand − provisioned duration price)); null when
    /// that is beyond what the environments can serve.
    /// </summary>
    public static double? ProvisionedBreakEven(LambdaPrices prices, string architecture, int provisioned, double warmBilledMs)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var saved = prices.PerGbSecond(architecture) - prices.ProvisionedDurationPerGbSecond(architecture);
        if (provisioned < 1 || warmBilledMs <= 0 || saved <= 0)
        {
            return null;
        }

        var rate = (double)(provisioned * prices.ProvisionedPerGbSecond(architecture) / ((decimal)warmBilledMs / 1000m * saved));
        return rate * warmBilledMs / 1000 <= provisioned ? rate : null;
    }
}
