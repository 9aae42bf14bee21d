using System.Net;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaContracts.Logs;

namespace LlamaAspire.LambdaEmulator.Tests;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;

/// <summary>Provisioned concurrency: environments initialized ahead of traffic, kept warm, chosen first, spilling over to on-demand ones.</summary>
public sealed class ProvisionedConcurrencyTests
{
    private static Dictionary<string, string?> Function(int provisioned, int? reserved = null, int idleTimeout = 600)
    {
        var extra = new Dictionary<string, string?>
        {
            ["Lambda:Functions:fn:ProvisionedConcurrency"] = provisioned.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Lambda:Functions:fn:IdleTimeout"] = idleTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (reserved is { } r)
        {
            extra["Lambda:Functions:fn:ReservedConcurrency"] = r.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return EmulatorHost.TestFunction("fn", extra: extra);
    }

    private static async Task<JsonElement> ConfigAsync(EmulatorHost host, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await host.Client.GetAsync(FunctionsApi.ProvisionedConcurrencyPath("fn", "live"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    private static Task WaitReadyAsync(EmulatorHost host, int count) => EmulatorHost.WaitUntilAsync(async () =>
    {
        var config = await ConfigAsync(host);
        return config.GetProperty("Status").GetString() == FunctionsApi.ProvisionedConcurrencyStatuses.Ready
            && config.GetProperty("AvailableProvisionedConcurrentExecutions").GetInt32() == count;
    }, TimeSpan.FromSeconds(30), $"{count} provisioned environments READY");

    private static async Task<(JsonElement Body, ReportLine Report)> InvokeEnvAsync(EmulatorHost host)
    {
        using var response = await host.InvokeAsync("fn", """{"action":"env"}""", tail: true);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var tail = TailLog.FromHeader(response.Headers.GetValues(InvokeApi.Headers.LogResult).Single());
        return (JsonDocument.Parse(body).RootElement.Clone(), tail.Report ?? throw new InvalidOperationException("no REPORT in the tail"));
    }

    [Fact]
    public async Task ProvisionedEnvironments_InitializeAheadOfTraffic_AndServeTheFirstInvokeWarm()
    {
        await using var host = await EmulatorHost.StartAsync(Function(provisioned: 2, reserved: 3));
        await WaitReadyAsync(host, 2);

        var environments = (await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray().ToList();
        Assert.Equal(2, environments.Count);
        Assert.All(environments, e => Assert.True(e.GetProperty("provisioned").GetBoolean()));
        // The platform log is written on its own thread: wait for the lines rather than race them.
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(host.Lines.Count(l => l.StartsWith("INIT_START ", StringComparison.Ordinal)
            && l.EndsWith("Init Type: provisioned-concurrency", StringComparison.Ordinal)) == 2), TimeSpan.FromSeconds(10), "two provisioned INIT_START lines");

        var (body, report) = await InvokeEnvAsync(host);
        Assert.Equal(LambdaEnvironmentVariables.InitializationTypes.ProvisionedConcurrency,
            body.GetProperty("environment").GetProperty(LambdaEnvironmentVariables.InitializationType).GetString());
        Assert.Null(report.InitDurationMs); // initialized before the invoke, not by it
        Assert.Equal(0, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
    }

    [Fact]
    public async Task InvokesBeyondTheProvisionedEnvironments_SpillOverToOnDemandColdStarts()
    {
        await using var host = await EmulatorHost.StartAsync(Function(provisioned: 1));
        await WaitReadyAsync(host, 1);

        var slow = host.InvokeAsync("fn", """{"action":"sleep","ms":1500}""");
        await EmulatorHost.WaitUntilAsync(async () => (await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray()
            .Any(e => e.GetProperty("state").GetString() == "busy"), TimeSpan.FromSeconds(10), "the provisioned environment to be busy");
        var (body, report) = await InvokeEnvAsync(host);
        using (var first = await slow)
        {
            Assert.True(first.IsSuccessStatusCode);
        }

        Assert.Equal(LambdaEnvironmentVariables.InitializationTypes.OnDemand,
            body.GetProperty("environment").GetProperty(LambdaEnvironmentVariables.InitializationType).GetString());
        Assert.NotNull(report.InitDurationMs);
        var environments = (await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray().ToList();
        Assert.Equal(2, environments.Count);
        Assert.Single(environments, e => e.GetProperty("provisioned").GetBoolean());
    }

    [Fact]
    public async Task TheIdleTimeout_EndsOnDemandEnvironments_ButKeepsProvisionedOnes()
    {
        await using var host = await EmulatorHost.StartAsync(Function(provisioned: 1, idleTimeout: 1));
        await WaitReadyAsync(host, 1);
        await Task.Delay(TimeSpan.FromSeconds(3)); // three idle timeouts
        var environments = (await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray().ToList();
        Assert.True(Assert.Single(environments).GetProperty("provisioned").GetBoolean());
        await WaitReadyAsync(host, 1);
    }

    [Fact]
    public async Task TheApi_PutsGetsListsAndDeletes_AndRefusesWhatLambdaRefuses()
    {
        await using var host = await EmulatorHost.StartAsync(Function(provisioned: 0, reserved: 2));
        await ConfigAsync(host, HttpStatusCode.NotFound);

        using (var tooMany = await host.Client.PutAsync(FunctionsApi.ProvisionedConcurrencyPath("fn", "live"),
            new StringContent("""{"ProvisionedConcurrentExecutions":3}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
            Assert.Contains("should not be greater than the reservedConcurrentExecution (2)", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var zero = await host.Client.PutAsync(FunctionsApi.ProvisionedConcurrencyPath("fn", "live"),
            new StringContent("""{"ProvisionedConcurrentExecutions":0}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        }

        using (var put = await host.Client.PutAsync(FunctionsApi.ProvisionedConcurrencyPath("fn", "live"),
            new StringContent("""{"ProvisionedConcurrentExecutions":2}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
            var answer = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(2, answer.GetProperty("RequestedProvisionedConcurrentExecutions").GetInt32());
            Assert.Equal(FunctionsApi.ProvisionedConcurrencyStatuses.InProgress, answer.GetProperty("Status").GetString());
        }

        await WaitReadyAsync(host, 2);
        var list = JsonDocument.Parse(await host.Client.GetStringAsync("/2019-09-30/functions/fn/provisioned-concurrency?List=ALL")).RootElement;
        Assert.EndsWith(":function:fn:live", Assert.Single(list.GetProperty("ProvisionedConcurrencyConfigs").EnumerateArray()).GetProperty("FunctionArn").GetString(), StringComparison.Ordinal);

        using (var delete = await host.Client.DeleteAsync(FunctionsApi.ProvisionedConcurrencyPath("fn", "live")))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await ConfigAsync(host, HttpStatusCode.NotFound);
        await EmulatorHost.WaitUntilAsync(async () => (await host.FunctionAsync("fn")).GetProperty("environments").GetArrayLength() == 0,
            TimeSpan.FromSeconds(10), "the provisioned environments to be released");
    }
}
