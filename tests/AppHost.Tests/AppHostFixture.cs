using System.Net;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.Hosting;
using LlamaAspire.Otlp;

namespace LlamaAspire.AppHost.Tests;

/// <summary>
/// The real AppHost, started once for every distributed test: tiny model, the dashboard on free ports with anonymous
/// access (so tests read telemetry from <c>/api/telemetry</c> and a browser opens it), and the <c>test-fn</c> TestFunction
/// beside the inference functions. The Native AOT publish is left out (<c>Lambda:NativeAot=false</c>, unless
/// <c>LLAMAASPIRE_TEST_AOT=1</c>) so a cold CI run stays within minutes; <c>llama-aot</c> then runs the JIT build with the
/// ORT-format model.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public DistributedApplication App { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    public HttpClient Emulator { get; private set; } = null!;

    public HttpClient Dashboard { get; private set; } = null!;

    /// <summary>The dashboard's telemetry API key (header <c>x-api-key</c>), set through <c>AppHost:DashboardApiKey</c>.</summary>
    public string DashboardApiKey { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var dashboardPort = FreePort();
        var otlpPort = FreePort();
        var resourceServicePort = FreePort();
        var dashboardUrl = $"http://localhost:{dashboardPort}";

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                // LLAMAASPIRE_TEST_AOT=1 keeps the Native AOT publish (minutes on a cold machine).
                $"--Lambda:NativeAot={Environment.GetEnvironmentVariable("LLAMAASPIRE_TEST_AOT") is "1" or "true"}",
                "--Model:Preset=tiny",
                $"--ASPNETCORE_URLS={dashboardUrl}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:{otlpPort}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{resourceServicePort}",
                "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
                "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
                $"--AppHost:DashboardApiKey={DashboardApiKey}",
            ],
            (options, _) =>
            {
                options.DisableDashboard = false;
                options.AllowUnsecuredTransport = true;
            },
            cts.Token);

        // The product AppHost's system, plus the misbehaving test function (the product AppHost has no test code).
        builder.CreateResourceBuilder<LambdaEmulatorResource>("lambda")
            .AddLambdaFunction<TestFunctionProject>("test-fn")
            .WithTimeout(TimeSpan.FromSeconds(3))
            .WithReservedConcurrency(3)
            .WithSamplePayload("""{"action":"echo","text":"hello"}""");

        App = await builder.BuildAsync(cts.Token);
        await App.StartAsync(cts.Token);
        // Healthy, or given up on (a model build or publish failed): fail at once rather than at the timeout.
        var lambda = await App.ResourceNotifications.WaitForResourceAsync("lambda", e =>
            (e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            || KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
        if (lambda.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            throw new InvalidOperationException($"The emulator did not start: {lambda.Snapshot.State?.Text}");
        }

        // llama-vanilla (model from s3rver) exists where Node.js does: everywhere CI runs.
        string[] functions = S3rverBuilderExtensions.FindNode() is null ? ["llama-jit", "llama-snapstart", "llama-aot", "test-fn"] : ["llama-jit", "llama-snapstart", "llama-aot", "test-fn", "llama-vanilla"];
        foreach (var function in functions)
        {
            await App.ResourceNotifications.WaitForResourceAsync(function, KnownResourceStates.Running, cts.Token);
        }

        Emulator = App.CreateHttpClient("lambda", "http");
        Emulator.Timeout = TimeSpan.FromMinutes(2);
        // The testing builder randomizes ports: the dashboard is where DCP's proxy for it listens.
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var dashboard = (IResourceWithEndpoints)model.Resources.Single(r => r.Name == "aspire-dashboard");
        var frontend = dashboard.Annotations.OfType<EndpointAnnotation>().First(e => e.UriScheme == "http" && !e.Name.Contains("otlp", StringComparison.OrdinalIgnoreCase));
        DashboardUrl = new Uri(dashboard.GetEndpoint(frontend.Name).Url);
        Dashboard = new HttpClient { BaseAddress = DashboardUrl, Timeout = TimeSpan.FromSeconds(30) };
        Dashboard.DefaultRequestHeaders.Add("x-api-key", DashboardApiKey);
        for (var ready = false; !ready;)
        {
            try
            {
                using var response = await Dashboard.GetAsync("/", cts.Token);
                ready = true;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(500, cts.Token);
            }
        }
    }

    public async Task DisposeAsync()
    {
        Emulator?.Dispose();
        Dashboard?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    /// <summary>Invokes a function through the emulator's Invoke API, as the AWS CLI would with <c>--log-type Tail</c>.</summary>
    public async Task<Invoke> InvokeAsync(string function, string payload, string invocationType = "RequestResponse", string? traceId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/2015-03-31/functions/{function}/invocations")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Amz-Invocation-Type", invocationType);
        request.Headers.Add("X-Amz-Log-Type", "Tail");
        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01");
        }

        using var response = await Emulator.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var error = response.Headers.TryGetValues("X-Amz-Function-Error", out var e) ? e.FirstOrDefault() : null;
        var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var t) ? t.FirstOrDefault() : null;
        var log = response.Headers.TryGetValues("X-Amz-Log-Result", out var l) && l.FirstOrDefault() is { Length: > 0 } tail
            ? Encoding.UTF8.GetString(Convert.FromBase64String(tail))
            : "";
        return new Invoke(response.StatusCode, body, error, errorType, log);
    }

    /// <summary>Shuts every environment of the function down so that the next invoke is cold.</summary>
    public async Task RecycleAsync(string function)
    {
        using var response = await Emulator.PostAsync($"/_emulator/functions/{function}/recycle", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The names of the spans the dashboard holds for a trace, polled until <paramref name="expected"/> are all there.</summary>
    public async Task<IReadOnlyCollection<string>> SpanNamesAsync(string traceId, IReadOnlyCollection<string> expected, TimeSpan timeout) =>
        (await SpansAsync(traceId, expected, timeout)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The spans the dashboard holds for a trace (OTLP JSON from <c>GET /api/telemetry/traces/{id}</c>), polled until <paramref name="expected"/> are there.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> SpansAsync(string traceId, IReadOnlyCollection<string> expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<OtlpSpan> spans = [];
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.IsSuccessStatusCode)
            {
                spans = OtlpJsonTraces.Read(await response.Content.ReadAsStringAsync());
                if (expected.All(e => spans.Any(s => s.Name == e)))
                {
                    return spans;
                }
            }

            await Task.Delay(500);
        }

        return spans;
    }

    public static string NewTraceId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An Invoke API answer.</summary>
public sealed record Invoke(HttpStatusCode Status, string Body, string? FunctionError, string? ErrorType, string Log)
{
    /// <summary>A cold start: the REPORT line carries an Init Duration only when the invoke initialized its environment.</summary>
    public bool Cold => Log.Contains("Init Duration", StringComparison.Ordinal);

    /// <summary>A SnapStart cold start: the REPORT line carries a Restore Duration (and the init went to INIT_REPORT).</summary>
    public bool Restored => Log.Contains("Restore Duration", StringComparison.Ordinal);
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
