using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaEmulator;
using LlamaAspire.LambdaEmulator.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>The real emulator app on 127.0.0.1:0, with its platform log captured, stopped (with its processes) on dispose.</summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly List<string> _lines;

    private EmulatorHost(WebApplication app, Uri baseAddress, List<string> lines)
    {
        _lines = lines;
        App = app;
        // No client-side trace propagation: the tests send their own traceparent, as an outside caller would.
        Client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static async Task<EmulatorHost> StartAsync(IDictionary<string, string?> config)
    {
        var settings = new Dictionary<string, string?>(config)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Lambda:ConsoleLogs"] = "false",
        };
        foreach (var (k, v) in config)
        {
            settings[k] = v;
        }

        var app = EmulatorApp.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        var lines = new List<string>();
        var log = app.Services.GetRequiredService<PlatformLog>();
        // Subscribed before start: environments initialized ahead of traffic (provisioned, SnapStart) log while it starts.
        log.LineWritten += line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }
        };
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmulatorHost(app, new Uri(address), lines);
    }

    /// <summary>Configuration for one function running tests/TestFunction.</summary>
    public static Dictionary<string, string?> TestFunction(string name, int memory = 256, int timeout = 10, string? init = null, Dictionary<string, string?>? extra = null)
    {
        var c = new Dictionary<string, string?>
        {
            [$"Lambda:Functions:{name}:Command"] = "dotnet",
            [$"Lambda:Functions:{name}:Arguments:0"] = Paths.TestFunctionDll,
            [$"Lambda:Functions:{name}:MemorySize"] = memory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"Lambda:Functions:{name}:Timeout"] = timeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (init is not null)
        {
            c[$"Lambda:Functions:{name}:Environment:TEST_FUNCTION_INIT"] = init;
        }

        foreach (var (k, v) in extra ?? [])
        {
            c[k] = v;
        }

        return c;
    }

    public Task<HttpResponseMessage> InvokeAsync(string function, string payload, string? type = null, bool tail = false,
        Action<HttpRequestHeaders>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/2015-03-31/functions/{function}/invocations")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (type is not null)
        {
            request.Headers.Add("X-Amz-Invocation-Type", type);
        }

        if (tail)
        {
            request.Headers.Add("X-Amz-Log-Type", "Tail");
        }

        headers?.Invoke(request.Headers);
        return Client.SendAsync(request);
    }

    public async Task<JsonElement> InvokeJsonAsync(string function, string payload)
    {
        using var response = await InvokeAsync(function, payload);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"), body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> FunctionAsync(string name)
    {
        var all = JsonDocument.Parse(await Client.GetStringAsync("/_emulator/functions")).RootElement;
        return all.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("name").GetString() == name).Clone();
    }

    public static async Task<JsonElement> ErrorBodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Waits for a condition (background work such as Event retries or idle sweeps).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }
        Assert.Fail($"Timed out waiting for {what}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public static class Paths
{
    /// <summary>tests/TestFunction's build output (copied beside the tests, or in its own bin folder).</summary>
    public static string TestFunctionDll { get; } = Find("TestFunction.dll",
        Path.Combine(AppContext.BaseDirectory, "TestFunction.dll"),
        Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "TestFunction", "bin", Configuration, "net10.0", "TestFunction.dll"));

    public static string FunctionsDir { get; } = Path.Combine(AppContext.BaseDirectory, "functions");

    public static string NodeRicDir { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "node-ric"));

    public static string NodeAwsSdkDir { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "node-aws-sdk"));

    /// <summary>The repository checkout (for documents the tests compare with the code).</summary>
    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    private static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string Find(string name, params string[] candidates) =>
        candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"{name} not found (looked in {string.Join(", ", candidates)}); build tests/TestFunction");
}
