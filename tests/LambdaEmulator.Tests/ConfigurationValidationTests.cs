using Microsoft.Extensions.Options;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>A function configuration Lambda would reject stops the emulator at startup, naming the key.</summary>
public sealed class ConfigurationValidationTests
{
    [Theory]
    [InlineData("MemorySize", "64", "Lambda:Functions:fn:MemorySize")]
    [InlineData("Timeout", "901", "Lambda:Functions:fn:Timeout")]
    [InlineData("Command", "", "Lambda:Functions:fn:Command")]
    public async Task InvalidConfiguration_FailsAtStartup_NamingTheKey(string key, string value, string expected)
    {
        var config = EmulatorHost.TestFunction("fn");
        config[$"Lambda:Functions:fn:{key}"] = value;
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => EmulatorHost.StartAsync(config));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task ProvisionedConcurrencyAboveTheReservation_FailsAtStartup_NamingBoth()
    {
        var config = EmulatorHost.TestFunction("fn");
        config["Lambda:Functions:fn:ReservedConcurrency"] = "2";
        config["Lambda:Functions:fn:ProvisionedConcurrency"] = "3";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => EmulatorHost.StartAsync(config));
        Assert.Contains("Lambda:Functions:fn:ProvisionedConcurrency (3) must not exceed ReservedConcurrency (2)", ex.Message);
    }

    [Fact]
    public async Task SnapStartWithProvisionedConcurrency_FailsAtStartup_AsLambdaRefusesIt()
    {
        var config = EmulatorHost.TestFunction("fn");
        config["Lambda:Functions:fn:SnapStart"] = "true";
        config["Lambda:Functions:fn:ProvisionedConcurrency"] = "1";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => EmulatorHost.StartAsync(config));
        Assert.Contains("Lambda:Functions:fn:SnapStart does not support provisioned concurrency", ex.Message);
    }
}
