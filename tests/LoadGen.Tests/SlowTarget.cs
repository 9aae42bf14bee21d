using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.EventStream;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaContracts.Logs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// A deliberately slow Invoke API on 127.0.0.1: every invoke takes <see cref="Delay"/>, answers with a REPORT tail (the first
/// one, and the first after <see cref="Recycle"/>, cold) and the function's JSON, and the highest number of invokes it served at once is kept.
/// </summary>
public sealed class SlowTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _current;
    private int _peak;
    private int _served;
    private int _coldPending = 1;

    private SlowTarget(WebApplication app, TimeSpan delay)
    {
        _app = app;
        Delay = delay;
    }

    public TimeSpan Delay { get; set; }

    public Uri Address { get; private set; } = null!;

    /// <summary>Most invokes in progress at the same time.</summary>
    public int PeakConcurrency => Volatile.Read(ref _peak);

    /// <summary>Invokes whose delay has passed (their answer is being written or has been).</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>MemorySize its REPORT lines state.</summary>
    public int MemorySizeMb { get; set; } = 1024;

    /// <summary>The next invoke is a cold start (as after a configuration change).</summary>
    public void Recycle() => Volatile.Write(ref _coldPending, 1);

    /// <summary>Status to answer with instead of a 200 (e.g. 429).</summary>
    public int? FailWith { get; set; }

    public static async Task<SlowTarget> StartAsync(TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var target = new SlowTarget(app, delay);
        app.MapPost(InvokeApi.InvokeRoute, target.InvokeAsync);
        app.MapPost(FunctionsApi.StreamingInvokeRoute, target.StreamAsync);
        await app.StartAsync();
        target.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return target;
    }

    private async Task InvokeAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _current);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        try
        {
            await Task.Delay(Delay);
            var n = Interlocked.Increment(ref _served);
            var id = $"req-{n}";
            context.Response.Headers[InvokeApi.Headers.RequestId] = id;
            if (FailWith is { } status)
            {
                context.Response.StatusCode = status;
                context.Response.Headers[InvokeApi.Headers.ErrorType] = InvokeApi.Exceptions.TooManyRequests;
                await context.Response.WriteAsync("""{"Type":"User","message":"Rate Exceeded."}""");
                return;
            }

            var cold = Interlocked.Exchange(ref _coldPending, 0) == 1;
            var report = new ReportLine(id, Delay.TotalMilliseconds, Math.Ceiling(Delay.TotalMilliseconds + (cold ? 100 : 0)), MemorySizeMb, 300)
            {
                InitDurationMs = cold ? 100 : null,
            };
            context.Response.Headers[InvokeApi.Headers.LogResult] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"START RequestId: {id}\n{report.Format()}\n"));
            context.Response.ContentType = "application/json";
            var coldJson = cold ? "true" : "false";
            await context.Response.WriteAsync($$$"""{"text":"x","usage":{"prompt_tokens":8,"completion_tokens":4,"total_tokens":12},"timings":{"time_to_first_token_ms":12.5,"decode_tokens_per_second":40,"cold_start":{{{coldJson}}}}}""");
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    }

    /// <summary>Streaming error code to end the stream with (InvokeComplete's ErrorCode).</summary>
    public string? StreamError { get; set; }

    /// <summary>InvokeWithResponseStream: a delta after <see cref="Delay"/>, the final event after another, then InvokeComplete.</summary>
    private async Task StreamAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _served);
        var id = $"req-{n}";
        context.Response.Headers[InvokeApi.Headers.RequestId] = id;
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync();
        await Task.Delay(Delay);
        await WriteChunkAsync(context, """data: {"text":"Hello"}""" + "\n\n");
        await Task.Delay(Delay);
        await WriteChunkAsync(context, """data: {"finish_reason":"length","usage":{"prompt_tokens":8,"completion_tokens":7,"total_tokens":15},"timings":{"time_to_first_token_ms":3.5,"decode_tokens_per_second":50,"cold_start":false}}""" + "\n\ndata: [DONE]\n\n");
        var report = new ReportLine(id, 2 * Delay.TotalMilliseconds, Math.Ceiling(2 * Delay.TotalMilliseconds), MemorySizeMb, 300);
        var complete = new InvokeCompleteEvent(StreamError, StreamError is null ? null : "boom", Convert.ToBase64String(Encoding.UTF8.GetBytes(report.Format() + "\n")));
        await context.Response.Body.WriteAsync(EventStreamCodec.EncodeEvent(ResponseStreamEvents.InvokeComplete, "application/json",
            JsonSerializer.SerializeToUtf8Bytes(complete, FunctionsJsonContext.Default.InvokeCompleteEvent)));
    }

    private static async Task WriteChunkAsync(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(EventStreamCodec.EncodeEvent(ResponseStreamEvents.PayloadChunk, ResponseStreamEvents.ChunkContentType, Encoding.UTF8.GetBytes(text)));
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
