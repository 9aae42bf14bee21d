using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using LlamaAspire.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaAspire.TestInfrastructure;

/// <summary>
/// The one OTLP endpoint a function process exports every signal to (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), over
/// http/protobuf or gRPC. Trace exports are relayed unchanged to an <see cref="OtlpReceiver"/>, which decodes them into
/// <see cref="Spans"/>; metrics exports, which LlamaAspire.Otlp acknowledges and drops, are kept as received so that
/// <see cref="MetricsInclude"/> can tell whether an instrument was exported.
/// </summary>
/// <remarks>
/// A relay rather than a second decoder: span checks then see exactly what the library's receiver makes of the function's
/// exports. The relay answers only once the receiver has, so a span whose export the function saw acknowledged is in
/// <see cref="Spans"/> already. Two listeners for the same reason as <see cref="OtlpReceiver"/>'s: cleartext HTTP/2 (gRPC)
/// needs an endpoint that speaks HTTP/2 alone.
/// </remarks>
public sealed class TelemetryCollector : IAsyncDisposable
{
    private const string TraceExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private const string MetricsExportPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
    private const string GrpcContentType = "application/grpc";
    private const string ProtobufContentType = "application/x-protobuf";

    private readonly WebApplication _app;
    private readonly OtlpReceiver _receiver;
    private readonly HttpClient _relay = new(new SocketsHttpHandler());
    private readonly ConcurrentQueue<ReceivedExport> _exports = new();

    private TelemetryCollector(WebApplication app, OtlpReceiver receiver)
    {
        _app = app;
        _receiver = receiver;
    }

    /// <summary>The spans of every trace export, decoded by LlamaAspire.Otlp.</summary>
    public OtlpSpanStore Spans => _receiver.Spans;

    /// <summary>Every export received so far, traces and metrics, in arrival order.</summary>
    public IReadOnlyCollection<ReceivedExport> Exports => _exports;

    /// <summary>The http/protobuf base address (<c>http://127.0.0.1:port</c>).</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>The gRPC address (<c>http://127.0.0.1:port</c>, cleartext HTTP/2).</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>Starts the receiver and the collector's two listeners on free loopback ports.</summary>
    public static async Task<TelemetryCollector> StartAsync()
    {
        var receiver = await OtlpReceiver.StartAsync();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddLogging();
        builder.Services.AddRouting();
        var collector = new TelemetryCollector(builder.Build(), receiver);
        collector.MapRoutes();
        await collector._app.StartAsync();

        // Kestrel reports endpoints in Listen order: HTTP/1.1 first, then HTTP/2.
        var addresses = collector._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a))
            .ToList();
        collector.HttpEndpoint = addresses[0];
        collector.GrpcEndpoint = addresses[1];
        return collector;
    }

    /// <summary><c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> for a process that should export here.</summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment(OtlpProtocol protocol) => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = (protocol == OtlpProtocol.Grpc ? GrpcEndpoint : HttpEndpoint).ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf",
    };

    /// <summary>
    /// True when a metrics export so far carried <paramref name="instrumentName"/>. A byte search for the name's UTF-8
    /// (protobuf keeps strings as they are, and exporters send uncompressed unless told otherwise): LlamaAspire.Otlp
    /// decodes traces only, and an instrument's presence is all the tests ask of metrics.
    /// </summary>
    public bool MetricsInclude(string instrumentName)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(instrumentName);
        return _exports.Any(e => e.Signal == "metrics" && e.Body.AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>Stops the listeners, then the receiver.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _relay.Dispose();
        await _receiver.DisposeAsync();
    }

    private void MapRoutes()
    {
        _app.MapPost("/v1/traces", RelayHttpTracesAsync);
        _app.MapPost(TraceExportPath, RelayGrpcTracesAsync);
        _app.MapPost("/v1/metrics", KeepHttpMetricsAsync);
        _app.MapPost(MetricsExportPath, KeepGrpcMetricsAsync);
    }

    private async Task RelayHttpTracesAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        _exports.Enqueue(new ReceivedExport("traces", OtlpProtocol.HttpProtobuf, body, context.Connection.Id));
        using var request = new HttpRequestMessage(HttpMethod.Post, _receiver.HttpTracesEndpoint) { Content = Content(context, body) };
        using var response = await _relay.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task RelayGrpcTracesAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        _exports.Enqueue(new ReceivedExport("traces", OtlpProtocol.Grpc, body, context.Connection.Id));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_receiver.GrpcEndpoint, TraceExportPath))
        {
            Content = Content(context, body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var name in new[] { "grpc-encoding", "grpc-accept-encoding", "grpc-timeout" })
        {
            if (context.Request.Headers.TryGetValue(name, out var value))
            {
                request.Headers.TryAddWithoutValidation(name, value.ToString());
            }
        }

        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        using var response = await _relay.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? GrpcContentType;
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);

        // A failed call may come back trailers-only (grpc-status among the headers); the exporter reads it from the trailers either way.
        foreach (var (name, values) in response.TrailingHeaders.Concat(response.Headers.Where(h => h.Key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))))
        {
            context.Response.AppendTrailer(name, string.Join(",", values));
        }
    }

    private async Task KeepHttpMetricsAsync(HttpContext context)
    {
        _exports.Enqueue(new ReceivedExport("metrics", OtlpProtocol.HttpProtobuf, await ReadBodyAsync(context), context.Connection.Id));
        // An empty ExportMetricsServiceResponse: zero bytes in protobuf.
        context.Response.ContentType = ProtobufContentType;
    }

    /// <summary>Keeps the body (its 5-byte gRPC frame prefix included) and answers one empty message with <c>grpc-status: 0</c>.</summary>
    private async Task KeepGrpcMetricsAsync(HttpContext context)
    {
        _exports.Enqueue(new ReceivedExport("metrics", OtlpProtocol.Grpc, await ReadBodyAsync(context), context.Connection.Id));
        context.Response.ContentType = GrpcContentType;
        await context.Response.Body.WriteAsync(new byte[5], context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static ByteArrayContent Content(HttpContext context, byte[] body)
    {
        var content = new ByteArrayContent(body);
        if (context.Request.ContentType is { } contentType)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (context.Request.Headers.ContentEncoding is { Count: > 0 } encoding)
        {
            content.Headers.TryAddWithoutValidation("Content-Encoding", encoding.ToString());
        }

        return content;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }
}
