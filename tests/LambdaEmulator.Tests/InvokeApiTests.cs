using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>The Invoke API's status codes, headers and error shapes.</summary>
public sealed class InvokeApiTests
{
    [Fact]
    public async Task UnknownFunction_Is404ResourceNotFound()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("echo"));
        using var response = await host.InvokeAsync("nope", "{}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        var body = await EmulatorHost.ErrorBodyAsync(response);
        Assert.Equal("User", body.GetProperty("Type").GetString());
        Assert.Equal("Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task OversizePayloads_Are413_6MbSync_1MbEvent()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("echo"));
        var sync = "\"" + new string('a', 6 * 1024 * 1024) + "\"";
        using (var response = await host.InvokeAsync("echo", sync))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("RequestEntityTooLargeException", response.Headers.GetValues("x-amzn-ErrorType").Single());
            Assert.Contains("6291456", (await EmulatorHost.ErrorBodyAsync(response)).GetProperty("message").GetString());
        }
        var asyncPayload = "\"" + new string('a', 1024 * 1024) + "\"";
        using (var response = await host.InvokeAsync("echo", asyncPayload, type: "Event"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("1048576", (await EmulatorHost.ErrorBodyAsync(response)).GetProperty("message").GetString());
        }
        // Just under the Event limit is accepted.
        using (var response = await host.InvokeAsync("echo", "\"" + new string('a', 1024 * 1000) + "\"", type: "Event"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(0, (await host.FunctionAsync("echo")).GetProperty("throttles").GetInt64());
    }

    [Fact]
    public async Task DryRun_Is204_AndStartsNothing()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("echo"));
        using var response = await host.InvokeAsync("echo", "{}", type: "DryRun");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty((await host.FunctionAsync("echo")).GetProperty("environments").EnumerateArray());
    }

    [Fact]
    public async Task InvalidJson_Is400InvalidRequestContent()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("echo"));
        using var response = await host.InvokeAsync("echo", "{not json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequestContentException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task RequestResponse_EchoesPayload_WithExecutedVersion()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("echo"));
        using var response = await host.InvokeAsync("echo", """{"action":"echo","x":42}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("$LATEST", response.Headers.GetValues("X-Amz-Executed-Version").Single());
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"));
        Assert.Equal(42, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task FunctionError_Is200WithUnhandled_AndTheErrorDocument()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        using var response = await host.InvokeAsync("fn", """{"action":"error","errorType":"MyError","message":"boom"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        var body = await EmulatorHost.ErrorBodyAsync(response);
        Assert.Equal("MyError", body.GetProperty("errorType").GetString());
        Assert.Equal("boom", body.GetProperty("errorMessage").GetString());
        // A handled error keeps the environment warm.
        await host.InvokeJsonAsync("fn", """{"action":"echo"}""");
        Assert.Equal(1, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());
    }

    [Fact]
    public async Task LogTail_HasTheInvokesLines_StartEndReport_AndFunctionOutput()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        using var response = await host.InvokeAsync("fn", """{"action":"print","text":"hello from the function"}""", tail: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tail = Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Amz-Log-Result").Single()));
        Assert.Contains("INIT_START Runtime Version:", tail);
        Assert.Contains("START RequestId: ", tail);
        Assert.Contains("Version: $LATEST", tail);
        Assert.Contains("hello from the function", tail);
        Assert.Contains("END RequestId: ", tail);
        Assert.Matches(@"REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms", tail);

        // Only the last 4 KB.
        using var big = await host.InvokeAsync("fn", $$"""{"action":"print","text":"{{new string('x', 6000)}}"}""", tail: true);
        var bytes = Convert.FromBase64String(big.Headers.GetValues("X-Amz-Log-Result").Single());
        Assert.Equal(4096, bytes.Length);
        Assert.EndsWith(" MB\n", Encoding.UTF8.GetString(bytes));
        Assert.DoesNotContain("Init Duration", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task ReservedConcurrency_Exhausted_Is429TooManyRequests()
    {
        var config = EmulatorHost.TestFunction("fn", extra: new() { ["Lambda:Functions:fn:ReservedConcurrency"] = "1" });
        await using var host = await EmulatorHost.StartAsync(config);
        var first = host.InvokeAsync("fn", """{"action":"sleep","ms":1500}""");
        await EmulatorHost.WaitUntilAsync(async () => (await host.FunctionAsync("fn")).GetProperty("environments").GetArrayLength() == 1,
            TimeSpan.FromSeconds(10), "the first environment");
        using (var second = await host.InvokeAsync("fn", "{}"))
        {
            Assert.Equal((HttpStatusCode)429, second.StatusCode);
            Assert.Equal("TooManyRequestsException", second.Headers.GetValues("x-amzn-ErrorType").Single());
            var body = await EmulatorHost.ErrorBodyAsync(second);
            Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", body.GetProperty("Reason").GetString());
            Assert.Equal("Rate Exceeded.", body.GetProperty("message").GetString());
        }
        using (var r = await first)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await host.InvokeJsonAsync("fn", "{}");
    }

    [Fact]
    public async Task AccountConcurrency_Exhausted_Is429()
    {
        var config = EmulatorHost.TestFunction("fn");
        config["Lambda:AccountConcurrency"] = "1";
        await using var host = await EmulatorHost.StartAsync(config);
        var first = host.InvokeAsync("fn", """{"action":"sleep","ms":1500}""");
        await EmulatorHost.WaitUntilAsync(async () => (await host.FunctionAsync("fn")).GetProperty("environments").GetArrayLength() == 1,
            TimeSpan.FromSeconds(10), "the first environment");
        using var second = await host.InvokeAsync("fn", "{}");
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal("ConcurrentInvocationLimitExceeded", (await EmulatorHost.ErrorBodyAsync(second)).GetProperty("Reason").GetString());
        (await first).Dispose();
    }

    [Fact]
    public async Task EventInvoke_Is202_AndRuns()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        using var response = await host.InvokeAsync("fn", """{"action":"echo"}""", type: "Event");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await EmulatorHost.WaitUntilAsync(async () => (await host.FunctionAsync("fn")).GetProperty("invocations").GetInt64() == 1,
            TimeSpan.FromSeconds(20), "the event to run");
        Assert.Equal(0, (await host.FunctionAsync("fn")).GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task EventInvoke_Error_IsRetriedTwice_WithTheSameRequestId()
    {
        var config = EmulatorHost.TestFunction("fn");
        config["Lambda:EventRetryDelay"] = "0.2";
        await using var host = await EmulatorHost.StartAsync(config);
        using var response = await host.InvokeAsync("fn", """{"action":"error"}""", type: "Event");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await EmulatorHost.WaitUntilAsync(async () => (await host.FunctionAsync("fn")).GetProperty("invocations").GetInt64() == 3,
            TimeSpan.FromSeconds(20), "three attempts");
        await Task.Delay(1500);
        var fn = await host.FunctionAsync("fn");
        Assert.Equal(3, fn.GetProperty("invocations").GetInt64());
        Assert.Equal(3, fn.GetProperty("errors").GetInt64());
        var starts = host.Lines.Where(l => l.StartsWith("START RequestId: ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(3, starts.Count);
        Assert.Single(starts.Distinct());
    }
}
