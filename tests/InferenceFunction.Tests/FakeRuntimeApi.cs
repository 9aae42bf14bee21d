using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.InferenceFunction.Tests;

public sealed record InvokeResult(
    string RequestId, bool IsError, string? ErrorType, string Body, string? ContentType, string? ResponseMode, string? TrailerErrorType, int BodyReads);

/// <summary>The Lambda Runtime API (2018-06-01) over real HTTP on 127.0.0.1:0 (Kestrel), enough to drive a function process.</summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly Channel<(string Id, string TraceId, byte[] Payload)> _queue = Channel.CreateUnbounded<(string, string, byte[])>();
    readonly ConcurrentDictionary<string, TaskCompletionSource<InvokeResult>> _pending = new();
    readonly TaskCompletionSource<InvokeResult> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _next;

    public FakeRuntimeApi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0);
            // OTLP/gRPC needs HTTP/2 without TLS (prior knowledge): a second, HTTP/2-only listener.
            k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        });
        _app = builder.Build();
        const string root = "/2018-06-01/runtime";
        _app.MapGet($"{root}/invocation/next", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref _next);
            var (id, traceId, payload) = await _queue.Reader.ReadAsync(ctx.RequestAborted);
            ctx.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = id;
            ctx.Response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            ctx.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:llama";
            ctx.Response.Headers["Lambda-Runtime-Trace-Id"] = traceId;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(payload, ctx.RequestAborted);
        });
        _app.MapPost($"{root}/invocation/{{id}}/response", async (HttpContext ctx, string id) =>
        {
            var (body, reads) = await ReadAll(ctx);
            string? trailer = null;
            if (ctx.Request.SupportsTrailers() && ctx.Request.CheckTrailersAvailable())
                trailer = ctx.Request.GetTrailer("Lambda-Runtime-Function-Error-Type").ToString() is { Length: > 0 } t ? t : null;
            Complete(id, new InvokeResult(id, trailer is not null, trailer, body, ctx.Request.ContentType,
                ctx.Request.Headers["Lambda-Runtime-Function-Response-Mode"].ToString(), trailer, reads));
            return Results.Accepted();
        });
        _app.MapPost($"{root}/invocation/{{id}}/error", async (HttpContext ctx, string id) =>
        {
            var (body, reads) = await ReadAll(ctx);
            Complete(id, new InvokeResult(id, true, ErrorTypeOf(ctx, body), body, ctx.Request.ContentType, null, null, reads));
            return Results.Accepted();
        });
        _app.MapPost($"{root}/init/error", async (HttpContext ctx) =>
        {
            var (body, reads) = await ReadAll(ctx);
            _initError.TrySetResult(new InvokeResult("init", true, ErrorTypeOf(ctx, body), body, ctx.Request.ContentType, null, null, reads));
            return Results.Accepted();
        });
        // An OTLP/HTTP (protobuf) receiver beside it: the raw export bodies, by signal.
        _app.MapPost("/v1/{signal}", async (HttpContext ctx, string signal) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
            Otlp.Enqueue((signal, ms.ToArray()));
            ctx.Response.ContentType = "application/x-protobuf";
            return Results.Ok();
        });
        // OTLP/gRPC: /opentelemetry.proto.collector.{trace|metrics|logs}.v1.{Service}/Export; answer an empty message, grpc-status 0.
        _app.MapPost("/{service}/Export", async (HttpContext ctx, string service) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
            string signal = service.Contains(".trace.", StringComparison.Ordinal) ? "traces" : service.Contains(".metrics.", StringComparison.Ordinal) ? "metrics" : "logs";
            Otlp.Enqueue((signal, ms.ToArray()));
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.Body.WriteAsync(new byte[5]);
            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        _app.StartAsync().GetAwaiter().GetResult();
        var addresses = _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.GetRequiredFeature<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>().Addresses.Select(a => new Uri(a).Authority).ToList();
        Endpoint = addresses[0];
        GrpcEndpoint = addresses[1];
    }

    /// <summary>OTLP export bodies received (signal: traces / metrics / logs).</summary>
    public ConcurrentQueue<(string Signal, byte[] Body)> Otlp { get; } = new();

    public bool OtlpContains(string signal, ReadOnlySpan<byte> needle)
    {
        foreach (var (s, body) in Otlp)
            if (s == signal && body.AsSpan().IndexOf(needle) >= 0) return true;
        return false;
    }

    /// <summary>host:port for AWS_LAMBDA_RUNTIME_API (HTTP/1.1; OTLP/HTTP too).</summary>
    public string Endpoint { get; }

    /// <summary>host:port of the HTTP/2-only listener (OTLP/gRPC).</summary>
    public string GrpcEndpoint { get; }

    /// <summary>How many times the function has asked for the next invoke (it is ready when this is &gt; 0).</summary>
    public int NextCalls => Volatile.Read(ref _next);

    public Task<InvokeResult> InitError => _initError.Task;

    public async Task<InvokeResult> InvokeAsync(string payload, TimeSpan timeout, string? traceId = null)
    {
        var id = Guid.NewGuid().ToString();
        var tcs = new TaskCompletionSource<InvokeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await _queue.Writer.WriteAsync((id, traceId ?? "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", Encoding.UTF8.GetBytes(payload)));
        return await tcs.Task.WaitAsync(timeout);
    }

    void Complete(string id, InvokeResult result)
    {
        if (_pending.TryRemove(id, out var tcs)) tcs.TrySetResult(result);
    }

    static async Task<(string Body, int Reads)> ReadAll(HttpContext ctx)
    {
        var buffer = new byte[16384];
        using var ms = new MemoryStream();
        int reads = 0, n;
        while ((n = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted)) > 0)
        {
            ms.Write(buffer, 0, n);
            reads++;
        }
        return (Encoding.UTF8.GetString(ms.ToArray()), reads);
    }

    static string? ErrorTypeOf(HttpContext ctx, string body)
    {
        var header = ctx.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errorType", out var t)) return t.GetString();
        }
        catch (JsonException) { } // no JSON body: the header alone names the error type
        return header.Length > 0 ? header : null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>A function process (JIT `dotnet bootstrap.dll` or the AOT `bootstrap`) with its output captured.</summary>
public sealed class FunctionProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _lines = new();

    public FunctionProcess(string fileName, IEnumerable<string> args, IDictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k == "TRACEPARENT").ToList())
            psi.Environment.Remove(k);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<string> Output => _lines;
    public string OutputText => string.Join("\n", _lines);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
