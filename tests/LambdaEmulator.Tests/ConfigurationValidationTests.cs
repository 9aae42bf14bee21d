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
}
