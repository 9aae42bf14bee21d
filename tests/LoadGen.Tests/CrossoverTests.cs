using LlamaAspire.LoadGen.Cost;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The decision matrix's arithmetic on hand-computed cases (round prices so the answers can be checked by eye).</summary>
public sealed class CrossoverTests
{
    // 1 GB container at $0.036/h = $0.00001/s; Lambda at 1 GB, 1,000 ms billed, $0.00001 per GB-s, no request fee = $0.00001 per request.
    private static readonly ContainerPrices GbOnly = new() { PerVcpuHour = 0, PerGbHour = 0.036m };

    [Fact]
    public void The_container_is_cheaper_above_its_price_per_second_over_lambdas_price_per_request()
    {
        var hourly = Crossover.ContainerPerHour(1024, GbOnly);
        Assert.Equal(0.036m, hourly);
        Assert.Equal(1.0, Crossover.Rate(hourly, 0.00001m, 1000)); // 0.00001 $/s ÷ 0.00001 $/request = 1 request/s
        Assert.Equal(2.0, Crossover.Rate(hourly, 0.000005m, 500)); // half the duration: twice the rate, still one container's capacity
        Assert.Equal(4.0, Crossover.Rate(Crossover.ContainerPerHour(10240, GbOnly), 0.000025m, 250)); // 10 GB: $0.0001/s ÷ $0.000025
    }

    [Fact]
    public void No_crossover_when_a_busy_container_still_costs_more_per_request()
    {
        // $0.072/h = $0.00002/s; at 1,000 ms a busy container serves 1 request/s: $0.00002 per request > Lambda's $0.00001.
        Assert.Null(Crossover.Rate(0.072m, 0.00001m, 1000));
        Assert.Null(Crossover.Rate(0.036m, 0, 1000));
    }

    [Fact]
    public void The_container_line_falls_with_the_rate_and_steps_up_at_each_container_added()
    {
        Assert.Equal(20m, Crossover.ContainerPerMillion(0.036m, 0.5, 1000));   // 1 container: 0.00001 ÷ 0.5 × 1M
        Assert.Equal(10m, Crossover.ContainerPerMillion(0.036m, 1.0, 1000));   // exactly full
        Assert.Equal(1, Crossover.Containers(1.0, 1000));
        Assert.Equal(2, Crossover.Containers(1.5, 1000));
        Assert.Equal(Math.Round(2 * 0.00001m / 1.5m * 1_000_000m, 6), Math.Round(Crossover.ContainerPerMillion(0.036m, 1.5, 1000), 6));
    }

    [Fact]
    public void Fargate_defaults_come_from_the_reference_and_size_the_container_by_lambdas_vcpu_share()
    {
        var x64 = ContainerPrices.FargateDefaults(LambdaPrices.X64);
        Assert.Equal((0.04048m, 0.004445m), (x64.PerVcpuHour, x64.PerGbHour));
        var arm = ContainerPrices.FargateDefaults(LambdaPrices.Arm64);
        Assert.Equal((0.03238m, 0.00356m), (arm.PerVcpuHour, arm.PerGbHour));
        // At the maximum memory: 10 GB and 10,240 ÷ 1,769 vCPUs.
        var vcpus = LambdaContracts.LambdaLimits.MaxMemoryMb / LambdaContracts.LambdaLimits.MbPerVcpu;
        Assert.Equal(vcpus * 0.04048 + 10 * 0.004445, (double)Crossover.ContainerPerHour(LambdaContracts.LambdaLimits.MaxMemoryMb, x64), 9);
    }

    [Fact]
    public void Provisioned_concurrency_charges_allocation_all_the_time_and_its_own_duration_price_until_it_spills_over()
    {
        var prices = new LambdaPrices
        {
            PerRequest = 0,
            X64PerGbSecond = 0.00002m,
            X64ProvisionedPerGbSecond = 0.000004m,
            X64ProvisionedDurationPerGbSecond = 0.00001m,
        };

        // 0.5 request/s × 1 s needs half an environment: all on provisioned. 0.00001 duration + 0.000004 ÷ 0.5 allocation = 0.000018.
        Assert.Equal(18m, Crossover.ProvisionedPerMillion(prices, LambdaPrices.X64, 1, 1024, 1000, 0.5));
        // 2 request/s needs two: half spill over to on-demand. 0.5 × 0.00001 + 0.5 × 0.00002 + 0.000004 ÷ 2 = 0.000017.
        Assert.Equal(17m, Crossover.ProvisionedPerMillion(prices, LambdaPrices.X64, 1, 1024, 1000, 2));
        // Break-even with on-demand: 0.000004 ÷ (1 s × (0.00002 − 0.00001)) = 0.4 request/s.
        Assert.Equal(0.4, Crossover.ProvisionedBreakEven(prices, LambdaPrices.X64, 1, 1000)!.Value, 9);
        Assert.Null(Crossover.ProvisionedBreakEven(prices, LambdaPrices.X64, 0, 1000));
    }

    [Fact]
    public void Provisioned_prices_are_options_for_the_priced_architecture()
    {
        var settings = new Commands.CompareSettings { Architecture = LambdaPrices.Arm64, PriceProvisionedGbSecond = 0.000003m, PriceProvisionedDurationGbSecond = 0.000007m };
        Assert.Equal((0.000003m, 0.000007m), (settings.Prices.ProvisionedPerGbSecond(LambdaPrices.Arm64), settings.Prices.ProvisionedDurationPerGbSecond(LambdaPrices.Arm64)));
        Assert.Equal(new LambdaPrices().X64ProvisionedPerGbSecond, settings.Prices.X64ProvisionedPerGbSecond);
    }

    [Fact]
    public void Provisioned_prices_default_to_the_reference()
    {
        var prices = new LambdaPrices();
        Assert.Equal(0.0000041667m, prices.ProvisionedPerGbSecond(LambdaPrices.X64));
        Assert.Equal(0.0000097222m, prices.ProvisionedDurationPerGbSecond(LambdaPrices.X64));
        Assert.Equal(0.0000033334m, prices.ProvisionedPerGbSecond(LambdaPrices.Arm64));
        Assert.Equal(0.0000077778m, prices.ProvisionedDurationPerGbSecond(LambdaPrices.Arm64));
    }
}
