using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>Function URLs: API Gateway v2 events, response mapping, and streaming pass-through.</summary>
public sealed class FunctionUrlTests
{
    [Fact]
    public async Task Request_BecomesAnApiGatewayV2Event()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        using var request = new HttpRequestMessage(HttpMethod.Put, "/fn/url/items/42?a=1&b=two&a=3")
        {
            Content = new StringContent("""{"hello":"world"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Custom", "yes");
        request.Headers.Add("Cookie", "c1=v1; c2=v2");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The test function echoes its event; a payload without statusCode maps to 200 application/json.
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var e = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("2.0", e.GetProperty("version").GetString());
        Assert.Equal("$default", e.GetProperty("routeKey").GetString());
        Assert.Equal("/items/42", e.GetProperty("rawPath").GetString());
        Assert.Equal("a=1&b=two&a=3", e.GetProperty("rawQueryString").GetString());
        Assert.Equal("1,3", e.GetProperty("queryStringParameters").GetProperty("a").GetString());
        Assert.Equal("yes", e.GetProperty("headers").GetProperty("x-custom").GetString());
        Assert.Equal(new[] { "c1=v1", "c2=v2" }, e.GetProperty("cookies").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.Equal("PUT", e.GetProperty("requestContext").GetProperty("http").GetProperty("method").GetString());
        Assert.Equal("/items/42", e.GetProperty("requestContext").GetProperty("http").GetProperty("path").GetString());
        Assert.Equal("""{"hello":"world"}""", e.GetProperty("body").GetString());
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public async Task BinaryBody_IsBase64Encoded()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        var content = new ByteArrayContent([0, 1, 2, 255]);
        content.Headers.ContentType = new("application/octet-stream");
        using var response = await host.Client.PostAsync("/fn/url/", content);
        var e = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Convert.ToBase64String([0, 1, 2, 255]), e.GetProperty("body").GetString());
        Assert.Equal("/", e.GetProperty("rawPath").GetString());
    }

    [Fact]
    public async Task StructuredResponse_IsMappedBack_AndClientContextReachesTheRuntime()
    {
        var config = new Dictionary<string, string?> { ["Lambda:Functions:sh:Command"] = Path.Combine(Paths.FunctionsDir, "http-response.sh") };
        await using var host = await EmulatorHost.StartAsync(config);
        using var response = await host.Client.GetAsync("/sh/url/anything");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie").ToArray());
        Assert.StartsWith("Root=1-", response.Headers.GetValues("x-trace-id").Single());

        // Client-Context (base64 on the Invoke API) reaches the runtime as Lambda-Runtime-Client-Context.
        var clientContext = """{"custom":{"k":"v"}}""";
        using var invoke = await host.InvokeAsync("sh", "{}", headers: h => h.Add("X-Amz-Client-Context", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientContext))));
        var mapped = JsonDocument.Parse(await invoke.Content.ReadAsStringAsync()).RootElement;
        var received = Encoding.UTF8.GetString(Convert.FromBase64String(mapped.GetProperty("headers").GetProperty("x-client-context").GetString()!));
        Assert.Equal(clientContext, received.TrimEnd('\n'));
    }

    [Fact]
    public async Task StreamingResponse_WithPrelude_ArrivesChunkByChunk()
    {
        var config = new Dictionary<string, string?> { ["Lambda:Functions:st:Command"] = Path.Combine(Paths.FunctionsDir, "stream.sh") };
        await using var host = await EmulatorHost.StartAsync(config);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/st/url/events");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("yes", response.Headers.GetValues("x-streamed").Single());
        Assert.Equal("s=1", response.Headers.GetValues("Set-Cookie").Single());
        var stream = await response.Content.ReadAsStreamAsync();
        var clock = Stopwatch.StartNew();
        var arrivals = new List<(double Ms, string Text)>();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            arrivals.Add((clock.Elapsed.TotalMilliseconds, Encoding.UTF8.GetString(buffer, 0, read)));
        }

        Assert.Equal("chunk 0\nchunk 1\nchunk 2\nchunk 3\n", string.Concat(arrivals.Select(a => a.Text)));
        // curl may coalesce the function's pipe writes on a busy machine (seen: 2 reads in CI); a buffered body arrives at
        // once, at the end, so two reads at least one of the function's 400 ms pauses apart still tell streaming from buffering.
        Assert.True(arrivals.Count >= 2, $"expected separate chunks, got {arrivals.Count}");
        var first = arrivals.First(a => a.Text.Contains("chunk 0", StringComparison.Ordinal)).Ms;
        var last = arrivals.Last().Ms;
        Assert.True(last - first > 300, $"chunk 0 at {first:F0} ms, last at {last:F0} ms: the body was buffered"); // at least one 400 ms gap
    }

    [Fact]
    public async Task StreamedResponse_IsBufferedByTheInvokeApi()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        using var response = await host.InvokeAsync("fn", """{"action":"stream","chunks":3,"delayMs":50}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"));
        Assert.Equal("chunk 0\nchunk 1\nchunk 2\n", await response.Content.ReadAsStringAsync());
    }
}
