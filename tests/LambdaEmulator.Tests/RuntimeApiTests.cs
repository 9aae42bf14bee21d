using System.Net;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>Runtime API answers beyond the happy path: oversize responses, unknown request ids, late init errors.</summary>
public sealed class RuntimeApiTests
{
    [Fact]
    public async Task OversizeResponse_Is413ToTheRuntime_AndResponseSizeTooLargeToTheCaller()
    {
        var config = new Dictionary<string, string?> { ["Lambda:Functions:big:Command"] = Path.Combine(Paths.FunctionsDir, "big-response.sh") };
        await using var host = await EmulatorHost.StartAsync(config);
        using var response = await host.InvokeAsync("big", "{}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("Function.ResponseSizeTooLarge", (await EmulatorHost.ErrorBodyAsync(response)).GetProperty("errorType").GetString());
        await EmulatorHost.WaitUntilAsync(() => Task.FromResult(host.Lines.Any(l => l == "runtime api answered 413")), TimeSpan.FromSeconds(5), "the runtime's 413");
    }

    [Fact]
    public async Task UnknownRequestId_Is400_InitErrorAfterInit_Is403()
    {
        var config = EmulatorHost.TestFunction("fn");
        config["Lambda:Freeze"] = "false";
        await using var host = await EmulatorHost.StartAsync(config);
        await host.InvokeJsonAsync("fn", "{}");
        var api = (await host.FunctionAsync("fn")).GetProperty("environments")[0].GetProperty("runtimeApi").GetString();
        using var client = new HttpClient { BaseAddress = new Uri($"http://{api}") };
        using (var r = await client.PostAsync($"/2018-06-01/runtime/invocation/{Guid.NewGuid()}/response", new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("InvalidRequestID", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("errorType").GetString());
        }
        using (var r = await client.PostAsync("/2018-06-01/runtime/init/error", new StringContent("""{"errorType":"X","errorMessage":"late"}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        // SnapStart's calls belong to a snap-start environment at the end of its init and to a restore in progress: neither here.
        using (var r = await client.GetAsync("/2018-06-01/runtime/restore/next"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("InvalidStateTransition", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("errorType").GetString());
        }

        using (var r = await client.PostAsync("/2018-06-01/runtime/restore/error", new StringContent("""{"errorType":"X","errorMessage":"late"}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        using (var r = await client.GetAsync("/2018-06-01/runtime/unknown"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        // The environment still works.
        await host.InvokeJsonAsync("fn", "{}");
        Assert.Equal(1, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
    }

    [Fact]
    public async Task RelativeCommand_IsFoundInTheWorkingDirectory_WhichIsLambdaTaskRoot()
    {
        var config = new Dictionary<string, string?>
        {
            ["Lambda:Functions:sh:Command"] = "http-response.sh",
            ["Lambda:Functions:sh:WorkingDirectory"] = Paths.FunctionsDir,
        };
        await using var host = await EmulatorHost.StartAsync(config);
        using var response = await host.Client.GetAsync("/sh/url/");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
