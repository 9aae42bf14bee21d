using System.Text.Json;
using LlamaAspire.Hosting;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.AppHost.Tests;

/// <summary>The vanilla variant: the same function, its model downloaded from the AppHost's s3rver at init.</summary>
[Collection(AppHostCollection.Name)]
public class VanillaVariantTests(AppHostFixture fixture)
{
    [NodeJsFact]
    public async Task TheVanillaVariant_DownloadsItsModelFromS3_InItsOwnInitPhase_At1769MB()
    {
        await fixture.RecycleAsync("llama-vanilla");
        var invoke = await fixture.InvokeAsync("llama-vanilla", """{"prompt":"Hello","max_tokens":4}""");
        Assert.True(invoke.FunctionError is null, invoke.Body + "\n" + invoke.Log);
        Assert.True(invoke.Cold, invoke.Log);
        Assert.Contains("Memory Size: 1769 MB", invoke.Log, StringComparison.Ordinal);
        var phases = JsonDocument.Parse(invoke.Body).RootElement.GetProperty("timings").GetProperty("init").GetProperty("phases");
        Assert.True(phases.GetProperty(FunctionTelemetryNames.ModelDownloadSpan).GetDouble() > 0);
        Assert.True(phases.GetProperty(FunctionTelemetryNames.WeightLoadSpan).GetDouble() > 0);
    }
}

/// <summary>Runs where Node.js is (the AppHost adds llama-vanilla only then), or on CI (<c>CI</c> set), where its absence is a failure.</summary>
public sealed class NodeJsFactAttribute : FactAttribute
{
    public NodeJsFactAttribute()
    {
        if (S3rverBuilderExtensions.FindNode() is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = "Node.js is not on PATH, so the AppHost leaves llama-vanilla (s3rver) out: install Node.js 18 or later.";
        }
    }
}
