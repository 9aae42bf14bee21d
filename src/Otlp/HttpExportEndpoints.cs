using System.IO.Compression;
using System.Net.Mime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.Otlp;

/// <summary>
/// The OTLP/HTTP routes: <c>/v1/traces</c> decoded (protobuf or JSON, optionally gzip-compressed), and the metrics and
/// logs exports, gRPC's included, acknowledged and dropped so that exporters sending them see success, not errors and retries.
/// </summary>
internal static class HttpExportEndpoints
{
    private const string ProtobufContentType = "application/x-protobuf";

    public static void MapOtlpHttp(this IEndpointRouteBuilder app, SpanIngest ingest)
    {
        app.MapPost("/v1/traces", (HttpContext context) => ReceiveTracesAsync(context, ingest));
        app.MapPost("/v1/metrics", DropAsync);
        app.MapPost("/v1/logs", DropAsync);

        // Grpc.AspNetCore answers UNIMPLEMENTED for services it does not host; these literal routes take precedence.
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", DropGrpcAsync);
        app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export", DropGrpcAsync);
    }

    private static async Task ReceiveTracesAsync(HttpContext context, SpanIngest ingest)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        var json = string.Equals(mediaType, MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase);
        if (!json && !string.Equals(mediaType, ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        byte[] body = [];
        IReadOnlyList<OtlpSpan> spans;
        try
        {
            body = await ReadBodyAsync(context);
            spans = json
                ? OtlpJsonTraces.Read(System.Text.Encoding.UTF8.GetString(body))
                : OtlpProtobufTraces.Read(body);
        }
        catch (InvalidDataException e)
        {
            // 400 is OTLP/HTTP's "do not retry": the same bytes would fail again.
            ingest.Logger.LogWarning(e, "Rejected an OTLP/HTTP trace export ({Bytes} bytes read).", body.Length);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        ingest.Accept(spans, OtlpProtocol.HttpProtobuf);
        // An empty ExportTraceServiceResponse: zero bytes in protobuf, {} in JSON.
        context.Response.ContentType = json ? MediaTypeNames.Application.Json : ProtobufContentType;
        if (json)
        {
            await context.Response.WriteAsync("{}", context.RequestAborted);
        }
    }

    private static async Task DropAsync(HttpContext context)
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = context.Request.ContentType ?? ProtobufContentType;
        if (context.Response.ContentType.StartsWith(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase))
        {
            await context.Response.WriteAsync("{}", context.RequestAborted);
        }
    }

    /// <summary>One length-prefixed empty message (5 zero bytes: uncompressed, length 0) and <c>grpc-status: 0</c>.</summary>
    private static async Task DropGrpcAsync(HttpContext context)
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5], context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var compressed = string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
        using var buffer = new MemoryStream();
        if (compressed)
        {
            // Bad gzip surfaces as InvalidDataException, rejected like a bad payload.
            await using var gzip = new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true);
            await gzip.CopyToAsync(buffer, context.RequestAborted);
        }
        else
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }

        return buffer.ToArray();
    }
}
