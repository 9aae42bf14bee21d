using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.Hosting;

namespace LlamaAspire.AppHost.Tests;

/// <summary>The function resources' dashboard commands and live state, on the running AppHost.</summary>
[Collection(AppHostCollection.Name)]
public class LambdaDashboardIntegrationTests(AppHostFixture fixture)
{
    [Fact]
    public async Task ForceColdStart_MakesTheNextInvokeCold()
    {
        Assert.Equal(HttpStatusCode.OK, (await fixture.InvokeAsync("test-fn", """{"action":"echo"}""")).Status);

        var result = await Commands.ExecuteCommandAsync("test-fn", LambdaFunctionBuilderExtensions.ForceColdStartCommand);
        var next = await fixture.InvokeAsync("test-fn", """{"action":"echo"}""");

        Assert.True(result.Success, result.Message);
        Assert.True(next.Cold, next.Log);
    }

    [Fact]
    public async Task InvokeSamplePrompt_AnswersThroughTheEmulator()
    {
        var result = await Commands.ExecuteCommandAsync("llama-jit", LambdaFunctionBuilderExtensions.InvokeSampleCommand);

        Assert.True(result.Success, result.Message);
        Assert.Contains("answered 200", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShutDownIdle_LeavesNoEnvironment_AndTheStateShowsIt()
    {
        Assert.Equal(HttpStatusCode.OK, (await fixture.InvokeAsync("test-fn", """{"action":"echo"}""")).Status);
        await WaitForPropertyAsync("test-fn", "lambda.environments", v => !v.StartsWith("none", StringComparison.Ordinal));

        var result = await Commands.ExecuteCommandAsync("test-fn", LambdaFunctionBuilderExtensions.ShutdownIdleCommand);

        Assert.True(result.Success, result.Message);
        await WaitForPropertyAsync("test-fn", "lambda.environments", v => v.StartsWith("none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheFunctionsState_CountsColdStartsAndInvocations()
    {
        await fixture.RecycleAsync("llama-aot");
        Assert.Equal(HttpStatusCode.OK, (await fixture.InvokeAsync("llama-aot", """{"prompt":"hi","max_tokens":2}""")).Status);

        await WaitForPropertyAsync("llama-aot", "lambda.coldStarts", v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await WaitForPropertyAsync("llama-aot", "lambda.invocations", v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await WaitForPropertyAsync("llama-aot", "lambda.environments", v => v.Contains("warm", StringComparison.Ordinal) || v.Contains("frozen", StringComparison.Ordinal));
    }

    private ResourceCommandService Commands => fixture.App.Services.GetRequiredService<ResourceCommandService>();

    private async Task WaitForPropertyAsync(string resource, string property, Func<string, bool> predicate)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await fixture.App.ResourceNotifications.WaitForResourceAsync(resource, e =>
            e.Snapshot.State?.Text == KnownResourceStates.Running
            && e.Snapshot.Properties.FirstOrDefault(p => p.Name == property)?.Value?.ToString() is { } value
            && predicate(value), cts.Token);
    }
}
