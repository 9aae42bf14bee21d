using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>The Lambda API beside Invoke: AWS's REST-JSON routes, shapes and error types, through plain HTTP.</summary>
public sealed class LambdaApiTests
{
    private static Dictionary<string, string?> ThreeFunctions()
    {
        var config = EmulatorHost.TestFunction("alpha", memory: 256, timeout: 7);
        foreach (var name in new[] { "bravo", "charlie" })
        {
            foreach (var (k, v) in EmulatorHost.TestFunction(name))
            {
                config[k] = v;
            }
        }

        config["Lambda:Functions:alpha:Environment:GREETING"] = "hello";
        return config;
    }

    [Fact]
    public async Task ListFunctions_PagesInNameOrder_WithAnOpaqueMarker()
    {
        await using var host = await EmulatorHost.StartAsync(ThreeFunctions());
        var first = await host.Client.GetFromJsonAsync<JsonElement>("/2015-03-31/functions/?MaxItems=2");
        Assert.Equal(["alpha", "bravo"], Names(first));
        var marker = first.GetProperty("NextMarker").GetString()!;
        var second = await host.Client.GetFromJsonAsync<JsonElement>($"/2015-03-31/functions/?MaxItems=2&Marker={Uri.EscapeDataString(marker)}");
        Assert.Equal(["charlie"], Names(second));
        Assert.False(second.TryGetProperty("NextMarker", out _));

        var all = await host.Client.GetFromJsonAsync<JsonElement>("/2015-03-31/functions");
        Assert.Equal(["alpha", "bravo", "charlie"], Names(all));

        using var bad = await host.Client.GetAsync("/2015-03-31/functions/?MaxItems=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("InvalidParameterValueException", bad.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains("'maxItems'", (await EmulatorHost.ErrorBodyAsync(bad)).GetProperty("message").GetString());

        static string[] Names(JsonElement page) => [.. page.GetProperty("Functions").EnumerateArray().Select(f => f.GetProperty("FunctionName").GetString()!)];
    }

    [Fact]
    public async Task GetFunctionConfiguration_DescribesTheFunctionAsLambdaDoes()
    {
        await using var host = await EmulatorHost.StartAsync(ThreeFunctions());
        var config = await host.Client.GetFromJsonAsync<JsonElement>("/2015-03-31/functions/alpha/configuration");
        Assert.Equal("alpha", config.GetProperty("FunctionName").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:alpha", config.GetProperty("FunctionArn").GetString());
        Assert.Equal(256, config.GetProperty("MemorySize").GetInt32());
        Assert.Equal(7, config.GetProperty("Timeout").GetInt32());
        Assert.Equal("provided.al2023", config.GetProperty("Runtime").GetString());
        Assert.Equal("Active", config.GetProperty("State").GetString());
        Assert.Equal("Successful", config.GetProperty("LastUpdateStatus").GetString());
        Assert.Equal("$LATEST", config.GetProperty("Version").GetString());
        Assert.Equal("hello", config.GetProperty("Environment").GetProperty("Variables").GetProperty("GREETING").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$", config.GetProperty("LastModified").GetString());
        var dll = await File.ReadAllBytesAsync(Paths.TestFunctionDll);
        Assert.Equal(dll.Length, config.GetProperty("CodeSize").GetInt64());
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(dll)), config.GetProperty("CodeSha256").GetString());

        // GetFunction wraps the same configuration, by name or ARN.
        var function = await host.Client.GetFromJsonAsync<JsonElement>("/2015-03-31/functions/" + Uri.EscapeDataString("arn:aws:lambda:us-east-1:123456789012:function:alpha"));
        Assert.Equal(config.GetProperty("RevisionId").GetString(), function.GetProperty("Configuration").GetProperty("RevisionId").GetString());

        using var missing = await host.Client.GetAsync("/2015-03-31/functions/nope/configuration");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("ResourceNotFoundException", missing.Headers.GetValues("x-amzn-ErrorType").Single());
        using var version = await host.Client.GetAsync("/2015-03-31/functions/alpha?Qualifier=7");
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
    }

    [Fact]
    public async Task UpdateFunctionConfiguration_GoesInProgressThenSuccessful_AndTheNextInvokeIsColdOnTheNewSettings()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", memory: 256));
        var before = await host.InvokeJsonAsync("fn", """{"action":"env"}""");
        Assert.Equal("256", before.GetProperty("environment").GetProperty("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").GetString());
        var revision = (await host.Client.GetFromJsonAsync<JsonElement>("/2015-03-31/functions/fn/configuration")).GetProperty("RevisionId").GetString();

        using var update = await PutJsonAsync(host, "/2015-03-31/functions/fn/configuration",
            """{"MemorySize":512,"Environment":{"Variables":{"FORCE_COLD":"1"}}}""");
        var updated = JsonDocument.Parse(await update.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(512, updated.GetProperty("MemorySize").GetInt32());
        Assert.Contains(updated.GetProperty("LastUpdateStatus").GetString(), new[] { "InProgress", "Successful" });
        Assert.NotEqual(revision, updated.GetProperty("RevisionId").GetString());
        Assert.Equal("Successful", await WaitUpdatedAsync(host, "fn"));

        using var tail = await host.InvokeAsync("fn", """{"action":"env"}""", tail: true);
        var after = JsonDocument.Parse(await tail.Content.ReadAsStringAsync()).RootElement;
        var log = Encoding.UTF8.GetString(Convert.FromBase64String(tail.Headers.GetValues("X-Amz-Log-Result").Single()));
        Assert.NotEqual(before.GetProperty("pid").GetInt32(), after.GetProperty("pid").GetInt32());
        Assert.Equal(1, after.GetProperty("invoke").GetInt32());
        Assert.Equal("512", after.GetProperty("environment").GetProperty("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").GetString());
        Assert.Equal("1", after.GetProperty("environment").GetProperty("FORCE_COLD").GetString());
        Assert.Contains("Memory Size: 512 MB", log);
        Assert.Contains("Init Duration:", log);

        // The old environment is gone: only the new one is left.
        Assert.Single((await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray());
    }

    [Fact]
    public async Task UpdateFunctionConfiguration_RefusesBadValuesReservedKeysUnsupportedMembersAndStaleRevisions()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        await AssertRefusedAsync("""{"MemorySize":64}""", 400, "InvalidParameterValueException", "'memorySize'");
        await AssertRefusedAsync("""{"Timeout":901}""", 400, "InvalidParameterValueException", "'timeout'");
        await AssertRefusedAsync("""{"Environment":{"Variables":{"AWS_REGION":"eu-west-1"}}}""", 400, "InvalidParameterValueException", "AWS_REGION");
        await AssertRefusedAsync("""{"Role":"arn:aws:iam::123456789012:role/x"}""", 400, "InvalidParameterValueException", "Role");
        await AssertRefusedAsync("""{"MemorySize":""", 400, "InvalidRequestContentException", "Could not parse request body into json");
        await AssertRefusedAsync("""{"MemorySize":512,"RevisionId":"stale"}""", 412, "PreconditionFailedException", "Revision Id");
        // Nothing was applied.
        var config = await host.Client.GetFromJsonAsync<JsonElement>("/2015-03-31/functions/fn/configuration");
        Assert.Equal(256, config.GetProperty("MemorySize").GetInt32());

        async Task AssertRefusedAsync(string body, int status, string type, string mentions)
        {
            using var response = await PutJsonAsync(host, "/2015-03-31/functions/fn/configuration", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == (int)response.StatusCode, $"{body} → {(int)response.StatusCode} {text}");
            Assert.Equal(type, response.Headers.GetValues("x-amzn-ErrorType").Single());
            Assert.Contains(mentions, JsonDocument.Parse(text).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FunctionConcurrency_PutGetDelete_ThrottlesAtTheReservation()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        Assert.False((await host.Client.GetFromJsonAsync<JsonElement>("/2019-09-30/functions/fn/concurrency")).TryGetProperty("ReservedConcurrentExecutions", out _));

        using (var put = await PutJsonAsync(host, "/2017-10-31/functions/fn/concurrency", """{"ReservedConcurrentExecutions":1}"""))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Equal(1, (await host.Client.GetFromJsonAsync<JsonElement>("/2019-09-30/functions/fn/concurrency")).GetProperty("ReservedConcurrentExecutions").GetInt32());
        Assert.Equal(1, (await host.Client.GetFromJsonAsync<JsonElement>("/2015-03-31/functions/fn")).GetProperty("Concurrency").GetProperty("ReservedConcurrentExecutions").GetInt32());
        var settings = await host.Client.GetFromJsonAsync<JsonElement>("/2016-08-19/account-settings/");
        Assert.Equal(1000, settings.GetProperty("AccountLimit").GetProperty("ConcurrentExecutions").GetInt32());
        Assert.Equal(999, settings.GetProperty("AccountLimit").GetProperty("UnreservedConcurrentExecutions").GetInt32());
        Assert.Equal(1, settings.GetProperty("AccountUsage").GetProperty("FunctionCount").GetInt32());

        var slow = host.InvokeAsync("fn", """{"action":"sleep","ms":1500}""");
        await Task.Delay(300);
        using (var throttled = await host.InvokeAsync("fn", "{}"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", (await EmulatorHost.ErrorBodyAsync(throttled)).GetProperty("Reason").GetString());
        }

        (await slow).Dispose();
        using (var delete = await host.Client.DeleteAsync("/2017-10-31/functions/fn/concurrency"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.False((await host.Client.GetFromJsonAsync<JsonElement>("/2019-09-30/functions/fn/concurrency")).TryGetProperty("ReservedConcurrentExecutions", out _));
        using var tooMany = await PutJsonAsync(host, "/2017-10-31/functions/fn/concurrency", """{"ReservedConcurrentExecutions":901}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("UnreservedConcurrentExecution", await tooMany.Content.ReadAsStringAsync());
    }

    internal static Task<HttpResponseMessage> PutJsonAsync(EmulatorHost host, string path, string json) =>
        host.Client.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    internal static async Task<string?> WaitUpdatedAsync(EmulatorHost host, string name)
    {
        for (var i = 0; i < 200; i++)
        {
            var status = (await host.Client.GetFromJsonAsync<JsonElement>($"/2015-03-31/functions/{name}/configuration")).GetProperty("LastUpdateStatus").GetString();
            if (status != "InProgress")
            {
                return status;
            }

            await Task.Delay(25);
        }

        return "InProgress";
    }
}
