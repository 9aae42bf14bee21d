using LlamaAspire.LambdaContracts;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>
/// Stands in for AWS's Lambda Runtime API (2018-06-01): a real Kestrel server on 127.0.0.1:0 with real HTTP and real headers.
/// Tests queue invokes with <see cref="Enqueue"/> and await what the runtime posted back.
/// </summary>
public sealed class FakeAwsRuntimeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeInvocation> _queue = Channel.CreateUnbounded<FakeInvocation>();
    private readonly ConcurrentDictionary<string, FakeInvocation> _byId = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<RecordedPost> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextCalls;

    private FakeAwsRuntimeApi(WebApplication app, string pathPrefix)
    {
        _app = app;
        PathPrefix = pathPrefix;
    }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: <c>127.0.0.1:{port}{prefix}</c>.</summary>
    public string RuntimeApi { get; private set; } = "";

    public string PathPrefix { get; }

    /// <summary>Status <c>GET next</c> answers with instead of an invoke (e.g. 500: container error, the runtime must exit).</summary>
    public int? NextFailureStatus { get; set; }

    /// <summary>Status <c>POST …/response</c> answers with (default 202).</summary>
    public int ResponseStatus { get; set; } = 202;

    public int NextCalls => Volatile.Read(ref _nextCalls);

    public Task<RecordedPost> InitError => _initError.Task;

    public static async Task<FakeAwsRuntimeApi> StartAsync(string pathPrefix = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        var fake = new FakeAwsRuntimeApi(app, pathPrefix.TrimEnd('/'));
        var root = fake.PathPrefix + "/2018-06-01/runtime";
        app.MapGet(root + "/invocation/next", fake.NextAsync);
        app.MapPost(root + "/invocation/{id}/response", context => fake.RecordAsync(context, "response"));
        app.MapPost(root + "/invocation/{id}/error", context => fake.RecordAsync(context, "error"));
        app.MapPost(root + "/init/error", fake.InitErrorAsync);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        fake.RuntimeApi = $"127.0.0.1:{address.Port}{fake.PathPrefix}";
        return fake;
    }

    /// <summary>Queues an invoke; the returned object completes when the runtime posts its response or error.</summary>
    public FakeInvocation Enqueue(
        string payload = "{}",
        string? requestId = null,
        DateTimeOffset? deadline = null,
        string? traceId = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
        string? clientContext = null,
        string? cognitoIdentity = null,
        string functionArn = "arn:aws:lambda:us-east-1:123456789012:function:test")
    {
        var invocation = new FakeInvocation(
            requestId ?? Guid.NewGuid().ToString(),
            deadline ?? DateTimeOffset.UtcNow.AddSeconds(30),
            functionArn,
            traceId,
            clientContext,
            cognitoIdentity,
            System.Text.Encoding.UTF8.GetBytes(payload));
        _byId[invocation.RequestId] = invocation;
        _queue.Writer.TryWrite(invocation);
        return invocation;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        if (NextFailureStatus is { } status)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"errorMessage":"container error","errorType":"ContainerError"}""");
            return;
        }

        FakeInvocation invocation;
        try
        {
            invocation = await _queue.Reader.ReadAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
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

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = invocation.Payload.Length;
        await context.Response.Body.WriteAsync(invocation.Payload);
    }

    private async Task RecordAsync(HttpContext context, string kind)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (!_byId.TryGetValue(id, out var invocation))
        {
            context.Response.StatusCode = 400;
            return;
        }

        var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
        {
            body.Write(buffer, 0, read);
            invocation.Reads.Writer.TryWrite(buffer.AsSpan(0, read).ToArray());
        }

        invocation.Reads.Writer.TryComplete();
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
        var status = kind == "response" ? ResponseStatus : 202;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"status":"OK"}""");
        invocation.Complete(new RecordedPost(kind, headers, body.ToArray(), trailers, status));
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        context.Response.StatusCode = 202;
        await context.Response.WriteAsync("""{"status":"OK"}""");
        _initError.TrySetResult(new RecordedPost("init/error", headers, body.ToArray(), new Dictionary<string, string>(), 202));
    }
}

/// <summary>One queued invoke and what the runtime sent back for it.</summary>
public sealed record FakeInvocation(
    string RequestId,
    DateTimeOffset Deadline,
    string FunctionArn,
    string? TraceId,
    string? ClientContext,
    string? CognitoIdentity,
    byte[] Payload)
{
    private readonly TaskCompletionSource<RecordedPost> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Each body read as it arrived at the server (for streamed responses: chunks, in order, while the function still runs).</summary>
    public Channel<byte[]> Reads { get; } = Channel.CreateUnbounded<byte[]>();

    public Task<RecordedPost> Result => _result.Task;

    internal void Complete(RecordedPost post) => _result.TrySetResult(post);
}

/// <summary>A POST the runtime made: <c>response</c>, <c>error</c> or <c>init/error</c>.</summary>
public sealed record RecordedPost(
    string Kind,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    IReadOnlyDictionary<string, string> Trailers,
    int AnsweredStatus)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
