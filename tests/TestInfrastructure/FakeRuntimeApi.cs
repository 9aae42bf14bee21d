using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using LlamaAspire.LambdaContracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaAspire.TestInfrastructure;

/// <summary>
/// Stands in for AWS's Lambda Runtime API (2018-06-01): a real Kestrel server on 127.0.0.1 with real HTTP and real headers,
/// optionally under a path prefix. Invokes are queued with <see cref="Enqueue"/> and handed out one per <c>GET next</c>, as a
/// single execution environment sees them; what the runtime posts back (responses, streamed ones with their trailers,
/// errors, init errors) is recorded as it arrives.
/// </summary>
/// <remarks>
/// The host is built from an empty builder so nothing of the test process (its appsettings, <c>ASPNETCORE_*</c> variables)
/// reaches the listener.
/// </remarks>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    /// <summary>The X-Ray header <see cref="Enqueue"/> sends unless told otherwise (sampled, with a parent).</summary>
    public const string DefaultTraceHeader = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";

    private const string Accepted = """{"status":"OK"}""";
    private const string RequestIdRouteValue = "requestId";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly WebApplication _app;
    private readonly Channel<FakeInvocation> _queue = Channel.CreateUnbounded<FakeInvocation>();
    private int _waitingNext;
    private readonly ConcurrentDictionary<string, FakeInvocation> _byId = new(StringComparer.Ordinal);
    private TaskCompletionSource<long> _firstNext = NewSignal<long>();
    private TaskCompletionSource<RecordedPost> _initError = NewSignal<RecordedPost>();
    private readonly TaskCompletionSource<long> _restoreNextReceived = NewSignal<long>();
    private readonly TaskCompletionSource _restored = NewSignal();
    private readonly TaskCompletionSource<RecordedPost> _restoreError = NewSignal<RecordedPost>();
    private int _restoreNextCalls;
    private int _nextCalls;

    private FakeRuntimeApi(WebApplication app, string pathPrefix)
    {
        _app = app;
        PathPrefix = pathPrefix;
    }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: <c>127.0.0.1:{port}{prefix}</c>, without a scheme.</summary>
    public string RuntimeApi { get; private set; } = "";

    /// <summary>The path the Runtime API is served under (empty, or e.g. <c>/my-function</c>).</summary>
    public string PathPrefix { get; }

    /// <summary>The ARN invokes carry when <see cref="Enqueue"/> names none.</summary>
    public string InvokedFunctionArn { get; set; } = FunctionArn.For("us-east-1", "123456789012", "test").ToString();

    /// <summary>A status <c>GET next</c> answers with instead of an invoke (e.g. 500: a container error, the runtime must exit).</summary>
    public int? NextFailureStatus { get; set; }

    /// <summary>The status invoke responses are answered with (default 202; e.g. 413 or 403 to refuse them).</summary>
    public int ResponseStatus { get; set; } = StatusCodes.Status202Accepted;

    /// <summary>How many times the runtime has asked for the next invoke since the start (or <see cref="ResetForNewProcess"/>).</summary>
    public int NextCalls => Volatile.Read(ref _nextCalls);

    /// <summary>Completes with <see cref="Stopwatch.GetTimestamp"/> taken as the first <c>GET next</c> arrived: the runtime is ready.</summary>
    public Task<long> FirstNext => Volatile.Read(ref _firstNext).Task;

    /// <summary>Completes when the runtime posts an init error.</summary>
    public Task<RecordedPost> InitError => Volatile.Read(ref _initError).Task;

    /// <summary>SnapStart: how many times the runtime has called <c>GET restore/next</c>.</summary>
    public int RestoreNextCalls => Volatile.Read(ref _restoreNextCalls);

    /// <summary>SnapStart: completes (with <see cref="Stopwatch.GetTimestamp"/>) when <c>GET restore/next</c> arrives; it is then held until <see cref="Restore"/>.</summary>
    public Task<long> RestoreNextReceived => _restoreNextReceived.Task;

    /// <summary>SnapStart: completes when the runtime posts to <c>restore/error</c>.</summary>
    public Task<RecordedPost> RestoreError => _restoreError.Task;

    /// <summary>SnapStart: "restores" the environment: the held <c>GET restore/next</c> (and any later one) is answered 200.</summary>
    public void Restore() => _restored.TrySetResult();

    /// <summary>Starts the server on a free loopback port.</summary>
    /// <param name="pathPrefix">A path the API is served under, as <c>AWS_LAMBDA_RUNTIME_API</c> may carry one.</param>
    public static async Task<FakeRuntimeApi> StartAsync(string pathPrefix = "")
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            // The largest body a runtime may post: a streamed response.
            kestrel.Limits.MaxRequestBodySize = LambdaLimits.MaxStreamedResponseBytes;
        });
        builder.Services.AddLogging();
        builder.Services.AddRouting();
        var app = builder.Build();
        var fake = new FakeRuntimeApi(app, pathPrefix.TrimEnd('/'));
        fake.MapRoutes();
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        fake.RuntimeApi = $"127.0.0.1:{address.Port}{fake.PathPrefix}";
        return fake;
    }

    /// <summary>Queues an invoke; the returned object completes when the runtime posts its response or error.</summary>
    /// <param name="payload">The event.</param>
    /// <param name="requestId">A new GUID when null.</param>
    /// <param name="deadline">30 seconds from now when null.</param>
    /// <param name="traceId">The X-Ray header; null sends none.</param>
    /// <param name="clientContext">The client context header; null sends none.</param>
    /// <param name="cognitoIdentity">The Cognito identity header; null sends none.</param>
    /// <param name="functionArn"><see cref="InvokedFunctionArn"/> when null.</param>
    public FakeInvocation Enqueue(
        string payload = "{}",
        string? requestId = null,
        DateTimeOffset? deadline = null,
        string? traceId = DefaultTraceHeader,
        string? clientContext = null,
        string? cognitoIdentity = null,
        string? functionArn = null)
    {
        var invocation = new FakeInvocation(
            requestId ?? Guid.NewGuid().ToString(),
            deadline ?? DateTimeOffset.UtcNow.AddSeconds(30),
            functionArn ?? InvokedFunctionArn,
            traceId,
            clientContext,
            cognitoIdentity,
            Encoding.UTF8.GetBytes(payload));
        _byId[invocation.RequestId] = invocation;
        _queue.Writer.TryWrite(invocation);
        return invocation;
    }

    /// <summary>Queues an invoke whose deadline is <paramref name="timeout"/> away and waits that long for what the runtime posts back.</summary>
    /// <exception cref="TimeoutException">Nothing was posted for it in time.</exception>
    public Task<RecordedPost> InvokeAsync(string payload, TimeSpan timeout, string? traceId = DefaultTraceHeader) =>
        Enqueue(payload, deadline: DateTimeOffset.UtcNow + timeout, traceId: traceId).Result.WaitAsync(timeout);

    /// <summary>
    /// How many <c>GET next</c> calls are waiting for an invoke. A killed runtime's call keeps waiting until the server sees its
    /// connection close; an invoke queued before then would go to it and be lost.
    /// </summary>
    public int WaitingNextCalls => Volatile.Read(ref _waitingNext);

    /// <summary>Re-arms <see cref="FirstNext"/>, <see cref="InitError"/> and <see cref="NextCalls"/> for the next runtime process.</summary>
    public void ResetForNewProcess()
    {
        Volatile.Write(ref _firstNext, NewSignal<long>());
        Volatile.Write(ref _initError, NewSignal<RecordedPost>());
        Volatile.Write(ref _nextCalls, 0);
    }

    /// <summary>Stops the server; a <c>GET next</c> still waiting is answered 503.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        using (var stop = new CancellationTokenSource(StopTimeout))
        {
            await _app.StopAsync(stop.Token);
        }

        await _app.DisposeAsync();
    }

    private void MapRoutes()
    {
        _app.MapGet(PathPrefix + LambdaContracts.RuntimeApi.Routes.Next, NextAsync);
        _app.MapPost(PathPrefix + LambdaContracts.RuntimeApi.Routes.Response, context => RecordInvokeAsync(context, RuntimePostKind.Response));
        _app.MapPost(PathPrefix + LambdaContracts.RuntimeApi.Routes.Error, context => RecordInvokeAsync(context, RuntimePostKind.Error));
        _app.MapPost(PathPrefix + LambdaContracts.RuntimeApi.Routes.InitError, RecordInitErrorAsync);
        _app.MapGet(PathPrefix + LambdaContracts.RuntimeApi.Routes.RestoreNext, RestoreNextAsync);
        _app.MapPost(PathPrefix + LambdaContracts.RuntimeApi.Routes.RestoreError, RecordRestoreErrorAsync);
    }

    private async Task RestoreNextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _restoreNextCalls);
        _restoreNextReceived.TrySetResult(Stopwatch.GetTimestamp());
        try
        {
            await _restored.Task.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The runtime hung up while it was held (stopped or killed): there is no one left to answer.
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task RecordRestoreErrorAsync(HttpContext context) =>
        _restoreError.TrySetResult(await ReceiveAsync(context, RuntimePostKind.RestoreError, StatusCodes.Status202Accepted, chunks: null));

    private async Task NextAsync(HttpContext context)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _nextCalls);
        Volatile.Read(ref _firstNext).TrySetResult(now);
        if (NextFailureStatus is { } status)
        {
            await AnswerErrorAsync(context, status, "ContainerError", "container error");
            return;
        }

        FakeInvocation? invocation;
        Interlocked.Increment(ref _waitingNext);
        try
        {
            invocation = await TakeNextAsync(context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The runtime hung up while it waited (stopped or killed): there is no one left to answer.
            return;
        }
        finally
        {
            Interlocked.Decrement(ref _waitingNext);
        }

        if (invocation is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var headers = context.Response.Headers;
        headers[LambdaContracts.RuntimeApi.Headers.AwsRequestId] = invocation.RequestId;
        headers[LambdaContracts.RuntimeApi.Headers.DeadlineMs] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers[LambdaContracts.RuntimeApi.Headers.InvokedFunctionArn] = invocation.FunctionArn;
        if (invocation.TraceId is not null)
        {
            headers[LambdaContracts.RuntimeApi.Headers.TraceId] = invocation.TraceId;
        }

        if (invocation.ClientContext is not null)
        {
            headers[LambdaContracts.RuntimeApi.Headers.ClientContext] = invocation.ClientContext;
        }

        if (invocation.CognitoIdentity is not null)
        {
            headers[LambdaContracts.RuntimeApi.Headers.CognitoIdentity] = invocation.CognitoIdentity;
        }

        context.Response.ContentType = LambdaContracts.RuntimeApi.JsonContentType;
        context.Response.ContentLength = invocation.Payload.Length;
        try
        {
            await context.Response.Body.WriteAsync(invocation.Payload, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The runtime hung up between taking the invoke and receiving it (killed at that moment): the next GET next gets
            // it, as Lambda gives an undelivered event to another environment, instead of it being lost with the connection.
            _queue.Writer.TryWrite(invocation);
        }
    }

    /// <summary>The next queued invoke, or null once the fake is shutting down.</summary>
    private async Task<FakeInvocation?> TakeNextAsync(CancellationToken cancellationToken)
    {
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_queue.Reader.TryRead(out var invocation))
            {
                return invocation;
            }
        }

        return null;
    }

    private async Task RecordInvokeAsync(HttpContext context, RuntimePostKind kind)
    {
        var requestId = (string)context.Request.RouteValues[RequestIdRouteValue]!;
        if (!_byId.TryGetValue(requestId, out var invocation))
        {
            await AnswerErrorAsync(context, StatusCodes.Status400BadRequest, LambdaContracts.RuntimeApi.ErrorTypes.InvalidRequestId, $"No invoke {requestId} was handed out.");
            return;
        }

        var status = kind == RuntimePostKind.Response ? ResponseStatus : StatusCodes.Status202Accepted;
        invocation.Complete(await ReceiveAsync(context, kind, status, invocation.Chunks.Writer));
    }

    private async Task RecordInitErrorAsync(HttpContext context)
    {
        var post = await ReceiveAsync(context, RuntimePostKind.InitError, StatusCodes.Status202Accepted, chunks: null);
        Volatile.Read(ref _initError).TrySetResult(post);
    }

    /// <summary>Reads the whole post (each read also to <paramref name="chunks"/>), answers it with <paramref name="status"/>, and returns it.</summary>
    private static async Task<RecordedPost> ReceiveAsync(HttpContext context, RuntimePostKind kind, int status, ChannelWriter<byte[]>? chunks)
    {
        using var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var reads = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            reads++;
            body.Write(buffer, 0, read);
            chunks?.TryWrite(buffer.AsSpan(0, read).ToArray());
        }

        chunks?.TryComplete();
        var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (context.Request.SupportsTrailers() && context.Request.CheckTrailersAvailable())
        {
            foreach (var name in new[] { LambdaContracts.RuntimeApi.Headers.FunctionErrorType, LambdaContracts.RuntimeApi.Headers.FunctionErrorBody })
            {
                var value = context.Request.GetTrailer(name);
                if (value.Count > 0)
                {
                    trailers[name] = value.ToString();
                }
            }
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (status < StatusCodes.Status400BadRequest)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = LambdaContracts.RuntimeApi.JsonContentType;
            await context.Response.WriteAsync(Accepted, context.RequestAborted);
        }
        else
        {
            await AnswerErrorAsync(context, status, "FakeRuntimeApi.Refused", $"The test set the answer to {status}.");
        }

        return new RecordedPost(kind, headers, body.ToArray(), trailers, status, reads);
    }

    private static async Task AnswerErrorAsync(HttpContext context, int status, string errorType, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = LambdaContracts.RuntimeApi.JsonContentType;
        await context.Response.WriteAsync(
            $$"""{"errorMessage":"{{message}}","errorType":"{{errorType}}"}""", context.RequestAborted);
    }

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
