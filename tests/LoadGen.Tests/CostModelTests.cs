using LlamaAspire.LoadGen.Cost;

namespace LlamaAspire.LoadGen.Tests;

public sealed class CostModelTests
{
    private static readonly CostModel X64 = new(new LambdaPrices(), LambdaPrices.X64);
    private static readonly CostModel Arm = new(new LambdaPrices(), LambdaPrices.Arm64);

    [Fact]
    public void One_GB_for_one_second_on_x86_is_the_GB_second_price_plus_the_request_fee()
    {
        Assert.Equal(0.0000166667m, X64.DurationCost(1000, 1024));
        Assert.Equal(0.0000166667m + 0.0000002m, X64.InvokeCost(1000, 1024));
    }

    [Fact]
    public void A_million_100_ms_invokes_at_1769_MB_on_arm64()
    {
        // 1,769 MB = 1.7275390625 GB; 0.1 s each → 172,753.90625 GB-s × $0.0000133334 = $2.30339693359375, + $0.20 of requests.
        var perInvoke = Arm.InvokeCost(100, 1769);
        Assert.Equal(2.50339693359375m, perInvoke * 1_000_000m);
    }

    [Fact]
    public void Power_Tunings_per_ms_formula_is_ours_at_its_rounded_price_without_the_request_fee()
    {
        // Power Tuning: ⌈billed ms⌉ × 2.1e-9 $ (its x86 price per ms at 128 MB) × memory ÷ 128. 2.1e-9 per ms per 128 MB is
        // 2.1e-9 × 1000 × 8 = 1.68e-5 $ per GB-s; with that price our duration charge is Power Tuning's to the digit.
        var powerTuning = CostModel.PowerTuningCost(250, 3008, 2.1e-9m);
        Assert.Equal(250m * 2.1e-9m * 23.5m, powerTuning);
        var atPowerTuningPrice = new CostModel(new LambdaPrices { X64PerGbSecond = 2.1e-9m * 1000m * 8m }, LambdaPrices.X64);
        Assert.Equal(powerTuning, atPowerTuningPrice.DurationCost(250, 3008));
        Assert.Equal(powerTuning + 0.0000002m, atPowerTuningPrice.InvokeCost(250, 3008));

        // AWS's own x86 price is 2.0833e-9 per ms at 128 MB, which Power Tuning rounds up to 2.1e-9 (0.8 % high).
        Assert.Equal(2.0833375e-9m, X64.DurationCost(1, 128));
    }

    [Fact]
    public void The_estimate_scales_the_mix_to_a_million_and_splits_out_cold_starts_and_tokens()
    {
        // 1 cold invoke billed 1,100 ms and 9 warm ones billed 100 ms, all at 2,048 MB on x86, 10 output tokens each.
        // Cold: 1.1 s × 2 GB × p = 2.2 p; warm: 0.2 p each → 1.8 p; p = $0.0000166667, fee f = $0.0000002.
        // Per invoke on average: (4.0 p + 10 f) / 10; per 1M: 1e5 × (4.0 p + 10 f) = $6.66668 + $0.20.
        var invokes = new List<BilledInvoke> { new(1100, 2048, true, 10) };
        invokes.AddRange(Enumerable.Repeat(new BilledInvoke(100, 2048, false, 10), 9));

        var estimate = CostEstimate.From(X64, invokes)!;

        Assert.Equal(10, estimate.BilledRequests);
        Assert.Equal(6.86668m, estimate.PerMillionRequests);
        // 100 tokens cost 4.0 p + 10 f = $0.0000686668 → per 1M tokens × 10,000.
        Assert.Equal(0.686668m, estimate.PerMillionOutputTokens);
        // Cold share: (2.2 p + f) / (4.0 p + 10 f).
        Assert.Equal((double)((2.2m * 0.0000166667m + 0.0000002m) / (4.0m * 0.0000166667m + 0.000002m)), estimate.ColdStartShare, 1e-12);
    }

    [Fact]
    public void No_billed_invokes_is_no_estimate()
    {
        Assert.Null(CostEstimate.From(X64, []));
    }

    [Fact]
    public void Prices_are_options()
    {
        var custom = new CostModel(new LambdaPrices { PerRequest = 0, Arm64PerGbSecond = 1m }, LambdaPrices.Arm64);

        Assert.Equal(0.5m, custom.InvokeCost(500, 1024));
        Assert.Throws<ArgumentException>(() => new CostModel(new LambdaPrices(), "sparc"));
    }
}
