using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.Hosting;

namespace LlamaAspire.AppHost.Tests;

/// <summary>Argument validation of the public hosting API.</summary>
public class LambdaEmulatorPublicApiTests
{
    private static IResourceBuilder<LambdaFunctionResource> Function() =>
        ModelTestHelpers.CreateBuilder().AddLambdaFunction<Projects.InferenceFunction>("llama");

    [Fact]
    public void NullBuilders_Throw()
    {
        IDistributedApplicationBuilder app = null!;
        IResourceBuilder<LambdaEmulatorResource> emulator = null!;
        IResourceBuilder<LambdaFunctionResource> function = null!;

        Assert.Throws<ArgumentNullException>("builder", () => app.AddLambdaEmulator());
        Assert.Throws<ArgumentNullException>("builder", () => app.AddLambdaFunction<Projects.InferenceFunction>("x"));
        Assert.Throws<ArgumentNullException>("builder", () => app.AddLlamaModel("m"));
        Assert.Throws<ArgumentNullException>("emulator", () => emulator.AddLambdaFunction<Projects.InferenceFunction>("x"));
        Assert.Throws<ArgumentNullException>("builder", () => emulator.WithFreeze());
        Assert.Throws<ArgumentNullException>("builder", () => function.WithMemorySize(128));
        Assert.Throws<ArgumentNullException>("builder", () => function.WithTimeout(TimeSpan.FromSeconds(3)));
        Assert.Throws<ArgumentNullException>("builder", () => function.WithReservedConcurrency(1));
        Assert.Throws<ArgumentNullException>("builder", () => function.WithIdleTimeout(TimeSpan.FromSeconds(3)));
        Assert.Throws<ArgumentNullException>("builder", () => function.WithNativeAot());
        Assert.Throws<ArgumentNullException>("builder", () => function.WithSamplePayload("{}"));
        Assert.Throws<ArgumentNullException>("builder", () => function.WithModel(null!));
        Assert.Throws<ArgumentNullException>("model", () => Function().WithModel(null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void BlankNames_Throw(string name)
    {
        var builder = ModelTestHelpers.CreateBuilder();
        Assert.ThrowsAny<ArgumentException>(() => builder.AddLambdaEmulator(name));
        Assert.ThrowsAny<ArgumentException>(() => builder.AddLambdaFunction<Projects.InferenceFunction>(name));
        Assert.ThrowsAny<ArgumentException>(() => builder.AddLlamaModel(name));
    }

    [Fact]
    public void ANameLambdaWouldRejectThrows()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        Assert.Throws<ArgumentException>("name", () => builder.AddLambdaFunction<Projects.InferenceFunction>(new string('a', 65)));
    }

    [Theory]
    [InlineData(127)]
    [InlineData(10241)]
    [InlineData(0)]
    public void MemorySizeOutsideLambdasRange_Throws(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>("megaBytes", () => Function().WithMemorySize(value));

    [Theory]
    [InlineData(0.5)]
    [InlineData(901)]
    public void TimeoutOutsideLambdasRange_Throws(double value) =>
        Assert.Throws<ArgumentOutOfRangeException>("timeout", () => Function().WithTimeout(TimeSpan.FromSeconds(value)));

    [Fact]
    public void OtherOutOfRangeOptions_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>("limit", () => Function().WithReservedConcurrency(-1));
        Assert.Throws<ArgumentOutOfRangeException>("idleTimeout", () => Function().WithIdleTimeout(TimeSpan.Zero));
        Assert.ThrowsAny<ArgumentException>(() => Function().WithSamplePayload(" "));
        Assert.ThrowsAny<ArgumentException>(() => Function().WithNativeAot(""));
        Assert.Throws<ArgumentOutOfRangeException>("format", () => ModelTestHelpers.CreateBuilder().AddLlamaModel("m", format: "gguf"));
    }

    [Fact]
    public void BoundaryValues_AreAccepted()
    {
        var f = Function().WithMemorySize(128).WithMemorySize(10240).WithTimeout(TimeSpan.FromSeconds(1)).WithTimeout(TimeSpan.FromSeconds(900)).WithReservedConcurrency(0);
        Assert.True(f.Resource.TryGetLastAnnotation<LambdaReservedConcurrencyAnnotation>(out var c));
        Assert.Equal(0, c.Limit);
    }

    [Fact]
    public async Task WithFreeze_SetsTheEmulatorsFreezeSwitch()
    {
        var emulator = ModelTestHelpers.CreateBuilder().AddLambdaEmulator().WithFreeze(false);
        var env = await ModelTestHelpers.EnvironmentAsync(emulator.Resource);
        Assert.Equal("false", env.Text("Lambda__Freeze"));
    }
}
