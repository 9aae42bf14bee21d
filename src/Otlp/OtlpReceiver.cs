using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaAspire.Otlp;

/// <summary>
/// An in-process OTLP trace receiver: what an OpenTelemetry SDK's OTLP exporter sends, over http/protobuf (or http/json)
/// on one port and gRPC on another, decoded into <see cref="OtlpSpan"/>s in <see cref="Spans"/>.
/// Point a process's <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> at it with <see cref="ExporterEnvironment"/>.
/// </summary>
/// <remarks>
/// gRPC is hosted with Grpc.AspNetCore on code generated from opentelemetry-proto rather than framed by hand: it
/// handles what real exporters may use that a hand-written frame reader would have to re-implement (per-message
/// compression, deadlines, HTTP/2 trailers, proper status codes for malformed calls). Two listeners, because Kestrel
/// speaks cleartext HTTP/2 only with prior knowledge on an endpoint that is HTTP/2 alone: an <c>Http1AndHttp2</c>
/// endpoint without TLS has no ALPN to choose with and serves HTTP/1.1 only, while http/protobuf exporters send HTTP/1.1.
/// The host is built from an empty builder so nothing of the calling process (its appsettings, <c>ASPNETCORE_*</c>
/// variables, <c>Kestrel:Endpoints</c>) reaches these listeners.
/// </remarks>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, OtlpSpanStore spans, Uri httpEndpoint, Uri grpcEndpoint)
    {
        _app = app;
        Spans = spans;
        HttpEndpoint = httpEndpoint;
        GrpcEndpoint = grpcEndpoint;
    }

    /// <summary>Every span received so far, with waits for the ones still to come.</summary>
    public OtlpSpanStore Spans { get; }

    /// <summary>The http/protobuf base address (<c>http://host:port</c>; exporters configured by environment append <c>/v1/traces</c>).</summary>
    public Uri HttpEndpoint { get; }

    /// <summary>The gRPC address (<c>http://host:port</c>, cleartext HTTP/2).</summary>
    public Uri GrpcEndpoint { get; }

    /// <summary>The full URL to POST trace exports to over http/protobuf, for exporters configured in code (they do not append the path).</summary>
    public Uri HttpTracesEndpoint => new(HttpEndpoint, "/v1/traces");

    /// <summary>Starts both listeners.</summary>
    /// <param name="options">Address and ports; loopback and free ports when null.</param>
    /// <param name="loggerFactory">Where the receiver and its Kestrel host log; nowhere when null.</param>
    /// <param name="cancellationToken">Abandons the start.</param>
    public static async Task<OtlpReceiver> StartAsync(
        OtlpReceiverOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        options ??= new OtlpReceiverOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        var spans = new OtlpSpanStore();
        var ingest = new SpanIngest(spans, loggerFactory.CreateLogger<OtlpReceiver>());

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.ListenAddress, options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(options.ListenAddress, options.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddRouting();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(ingest);

        var app = builder.Build();
        app.MapGrpcService<TraceExportService>();
        app.MapOtlpHttp(ingest);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception)
        {
            await app.DisposeAsync();
            throw;
        }

        // Kestrel reports endpoints in Listen order: HTTP/1.1 first, then HTTP/2.
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => Reachable(new Uri(a)))
            .ToList();
        ingest.Logger.LogInformation("OTLP receiver listening: http/protobuf {HttpEndpoint}, grpc {GrpcEndpoint}.", addresses[0], addresses[1]);
        return new OtlpReceiver(app, spans, addresses[0], addresses[1]);
    }

    /// <summary>The endpoint for one protocol.</summary>
    public Uri EndpointFor(OtlpProtocol protocol) => protocol == OtlpProtocol.Grpc ? GrpcEndpoint : HttpEndpoint;

    /// <summary>
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> for a process that should export here.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment(OtlpProtocol protocol) => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = EndpointFor(protocol).ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf",
    };

    /// <summary>Stops both listeners, letting exports in progress finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A wildcard bind (0.0.0.0, [::]) is reported as loopback: the address a local exporter can dial.</summary>
    private static Uri Reachable(Uri address)
    {
        if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
        {
            var loopback = ip.Equals(IPAddress.Any) ? IPAddress.Loopback.ToString() : $"[{IPAddress.IPv6Loopback}]";
            return new UriBuilder(address) { Host = loopback }.Uri;
        }

        return address;
    }
}
