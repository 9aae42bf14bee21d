using System.Collections.Concurrent;
using System.Threading.Channels;
using LlamaAspire.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace LlamaAspire.Benchmarks;

/// <summary>
/// What the function under test talks to, on loopback: the Lambda Runtime API (one invocation at a time, as a single
/// execution environment sees it) and an <see cref="OtlpReceiver"/> for its spans. It stands in for AWS's Runtime API
/// so the benchmark can time "process start → first /next" exactly.
/// </summary>
internal sealed class BenchmarkHost : IAsyncDisposable
{
    private const string RuntimePrefix = "/2018-06-01/runtime";
    private readonly WebApplication _app;
    private readonly Channel<PendingInvocation> _invocations = Channel.CreateUnbounded<PendingInvocation>();
    private readonly ConcurrentDictionary<string, PendingInvocation> _inFlight = new();
    private TaskCompletionSource<long> _firstNext = NewSignal<long>();
    private TaskCompletionSource<string> _initError = NewSignal<string>();

    private BenchmarkHost(WebApplication app, OtlpReceiver otlp)
    {
        _app = app;
        Otlp = otlp;
    }

    public string Address { get; private set; } = "";

    /// <summary>Where the function exports its spans (http/protobuf).</summary>
    public OtlpReceiver Otlp { get; }

    public static async Task<BenchmarkHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var host = new BenchmarkHost(builder.Build(), await OtlpReceiver.StartAsync());
        host.MapRoutes();
        await host._app.StartAsync();
        var server = host._app.Services.GetRequiredService<IServer>();
        host.Address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return host;
    }

    /// <summary>The <c>AWS_LAMBDA_RUNTIME_API</c> value: host:port without a scheme.</summary>
    public string RuntimeApi => new Uri(Address).Authority;

    /// <summary>Arms the "first /next" and "init error" signals for the next process.</summary>
    public void ResetForNewProcess()
    {
        _firstNext = NewSignal<long>();
        _initError = NewSignal<string>();
    }

    /// <summary>Completes with <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> at the first /next.</summary>
    public Task<long> FirstNext => _firstNext.Task;

    public Task<string> InitError => _initError.Task;

    public async Task<string> InvokeAsync(string payload, TimeSpan timeout)
    {
        var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload, DateTimeOffset.UtcNow + timeout);
        await _invocations.Writer.WriteAsync(invocation);
        return await invocation.Result.Task.WaitAsync(timeout);
    }

    private void MapRoutes()
    {
        _app.MapGet(RuntimePrefix + "/invocation/next", async (HttpContext context) =>
        {
            _firstNext.TrySetResult(System.Diagnostics.Stopwatch.GetTimestamp());
            var invocation = await _invocations.Reader.ReadAsync(context.RequestAborted);
            _inFlight[invocation.RequestId] = invocation;
            var headers = context.Response.Headers;
            headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
            headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:benchmark";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(invocation.Payload, context.RequestAborted);
        });

        _app.MapPost(RuntimePrefix + "/invocation/{requestId}/response", async (string requestId, HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            Complete(requestId, body, error: null);
            return Results.Accepted();
        });

        _app.MapPost(RuntimePrefix + "/invocation/{requestId}/error", async (string requestId, HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            Complete(requestId, body, error: context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString());
            return Results.Accepted();
        });

        _app.MapPost(RuntimePrefix + "/init/error", async (HttpContext context) =>
        {
            _initError.TrySetResult(await new StreamReader(context.Request.Body).ReadToEndAsync());
            return Results.Accepted();
        });
    }

    private void Complete(string requestId, string body, string? error)
    {
        if (_inFlight.TryRemove(requestId, out var invocation))
        {
            if (error is null)
            {
                invocation.Result.TrySetResult(body);
            }
            else
            {
                invocation.Result.TrySetException(new InvalidOperationException($"Function error {error}: {body}"));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await Otlp.DisposeAsync();
    }

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record PendingInvocation(string RequestId, string Payload, DateTimeOffset Deadline)
    {
        public TaskCompletionSource<string> Result { get; } = NewSignal<string>();
    }
}
