using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.InvokeApi;
using LlamaAspire.LambdaEmulator.RuntimeApi;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaAspire.LambdaEmulator.FunctionUrls;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;
using RuntimeApi = LlamaAspire.LambdaContracts.RuntimeApi;

/// <summary>
/// Function URLs at <see cref="LambdaContracts.FunctionUrls.Route"/>: any method and path become an API Gateway v2 (payload 2.0)
/// event; the function's answer is mapped back to HTTP, and a streamed answer is passed through chunk by chunk
/// (with the <c>application/vnd.awslambda.http-integration-response</c> prelude: JSON metadata, 8 NUL bytes, body).
/// </summary>
public static class FunctionUrlEndpoints
{
    public const string IntegrationResponseContentType = "application/vnd.awslambda.http-integration-response";

    public static void Map(WebApplication app)
    {
        app.Map(LambdaContracts.FunctionUrls.Route, (HttpContext ctx, string name, string? path, Emulator emulator) => HandleAsync(ctx, name, path, emulator));
        app.Map(LambdaContracts.FunctionUrls.RootRoute, (HttpContext ctx, string name, Emulator emulator) => HandleAsync(ctx, name, null, emulator));
    }

    private static async Task HandleAsync(HttpContext ctx, string name, string? path, Emulator emulator)
    {
        if (!emulator.Functions.TryGetValue(name, out var function))
        {
            await WriteMessageAsync(ctx, 404, "Not Found").ConfigureAwait(false);
            return;
        }
        var body = await RuntimeApiEndpoints.ReadLimitedAsync(ctx.Request.BodyReader, LambdaLimits.MaxSyncRequestBytes - 1, ctx.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await WriteMessageAsync(ctx, 413, "Request Entity Too Large").ConfigureAwait(false);
            return;
        }
        var request = new InvokeRequest(Guid.NewGuid().ToString(),
            ApiGatewayV2.BuildEvent(ctx, "/" + (path ?? ""), body, emulator.Options.AccountId, name), FaasAttributes.Triggers.Http)
        {
            ParentContext = Activity.Current?.Context ?? default,
        };
        InvokeCompletion invocation;
        try
        {
            invocation = function.StartInvoke(request);
        }
        catch (ThrottledException)
        {
            await WriteMessageAsync(ctx, 429, "Rate Exceeded.").ConfigureAwait(false);
            return;
        }
        var response = await invocation.Response.ConfigureAwait(false);
        if (response.IsError)
        {
            await WriteMessageAsync(ctx, 502, "Internal Server Error").ConfigureAwait(false);
            return;
        }
        if (response.Stream is { } stream)
        {
            await StreamAsync(ctx, response.ContentType, stream).ConfigureAwait(false);
            return;
        }
        await ApiGatewayV2.WriteResponseAsync(ctx, response.Body ?? []).ConfigureAwait(false);
    }

    private static async Task StreamAsync(HttpContext ctx, string contentType, PipeReader stream)
    {
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            if (contentType.StartsWith(IntegrationResponseContentType, StringComparison.OrdinalIgnoreCase))
            {
                var prelude = await ReadPreludeAsync(stream, ctx.RequestAborted).ConfigureAwait(false);
                ApiGatewayV2.ApplyMetadata(ctx, prelude);
            }
            else
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = contentType;
            }
            await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
            while (true)
            {
                var result = await stream.ReadAsync(ctx.RequestAborted).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    await ctx.Response.Body.WriteAsync(segment, ctx.RequestAborted).ConfigureAwait(false);
                }

                stream.AdvanceTo(result.Buffer.End);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    break;
                }
            }
            await stream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or JsonException)
        {
            await stream.CompleteAsync(ex).ConfigureAwait(false);
            ctx.Abort(); // a mid-stream error or timeout ends the HTTP response abruptly, as Lambda does
        }
    }

    /// <summary>Reads the JSON prelude up to the 8-NUL delimiter; the rest stays in the pipe.</summary>
    private static async Task<JsonElement?> ReadPreludeAsync(PipeReader stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await stream.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> json, "\0\0\0\0\0\0\0\0"u8, advancePastDelimiter: true))
            {
                using var doc = JsonDocument.Parse(json.ToArray());
                stream.AdvanceTo(reader.Position);
                return doc.RootElement.Clone();
            }
            if (result.IsCompleted)
            {
                stream.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }
            stream.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static Task WriteMessageAsync(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = RuntimeApi.JsonContentType;
        ctx.Response.Headers[InvokeApi.Headers.ErrorType] = status switch
        {
            429 => InvokeApi.Exceptions.TooManyRequests,
            413 => InvokeApi.Exceptions.RequestEntityTooLarge,
            404 => InvokeApi.Exceptions.ResourceNotFound,
            _ => "InternalServerError",
        };
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["Message"] = message }), ctx.RequestAborted);
    }
}

/// <summary>API Gateway HTTP API payload format 2.0, the event shape of function URLs.</summary>
public static class ApiGatewayV2
{
    public static byte[] BuildEvent(HttpContext ctx, string rawPath, byte[] body, string accountId, string urlId)
    {
        var req = ctx.Request;
        var buffer = new ArrayBufferWriter<byte>(1024 + body.Length * 2);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("version", "2.0");
            w.WriteString("routeKey", "$default");
            w.WriteString("rawPath", rawPath);
            var rawQuery = req.QueryString.HasValue ? req.QueryString.Value![1..] : "";
            w.WriteString("rawQueryString", rawQuery);
            var cookies = req.Headers.Cookie.SelectMany(c => (c ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            if (cookies.Count > 0)
            {
                w.WriteStartArray("cookies");
                foreach (var c in cookies)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
            }
            w.WriteStartObject("headers");
            foreach (var (k, v) in req.Headers)
            {
                if (!k.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
                {
                    w.WriteString(k.ToLowerInvariant(), string.Join(',', v.ToArray()));
                }
            }

            w.WriteEndObject();
            if (req.Query.Count > 0)
            {
                w.WriteStartObject("queryStringParameters");
                foreach (var (k, v) in req.Query)
                {
                    w.WriteString(k, string.Join(',', v.ToArray()));
                }

                w.WriteEndObject();
            }
            var now = DateTimeOffset.UtcNow;
            w.WriteStartObject("requestContext");
            w.WriteString("accountId", "anonymous");
            w.WriteString("apiId", urlId);
            w.WriteString("domainName", req.Host.Value);
            w.WriteString("domainPrefix", urlId);
            w.WriteStartObject("http");
            w.WriteString("method", req.Method);
            w.WriteString("path", rawPath);
            w.WriteString("protocol", req.Protocol);
            w.WriteString("sourceIp", ctx.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1");
            w.WriteString("userAgent", req.Headers.UserAgent.ToString());
            w.WriteEndObject();
            w.WriteString("requestId", Guid.NewGuid().ToString());
            w.WriteString("routeKey", "$default");
            w.WriteString("stage", "$default");
            w.WriteString("time", now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture));
            w.WriteNumber("timeEpoch", now.ToUnixTimeMilliseconds());
            w.WriteEndObject();
            var text = IsText(req.ContentType);
            if (body.Length > 0)
            {
                w.WriteString("body", text ? Encoding.UTF8.GetString(body) : Convert.ToBase64String(body));
            }

            w.WriteBoolean("isBase64Encoded", body.Length > 0 && !text);
            w.WriteEndObject();
        }
        _ = accountId;
        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsText(string? contentType) =>
        contentType is null
        || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("javascript", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>statusCode/headers/cookies/body/isBase64Encoded, or any other answer as a 200 JSON body.</summary>
    public static async Task WriteResponseAsync(HttpContext ctx, byte[] payload)
    {
        JsonElement root = default;
        var structured = false;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            root = doc.RootElement.Clone();
            structured = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("statusCode", out _);
        }
        catch (JsonException) { } // not JSON: Lambda answers such a payload as a plain 200 body, below

        if (!structured)
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(payload, ctx.RequestAborted).ConfigureAwait(false);
            return;
        }
        ApplyMetadata(ctx, root);
        if (root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String)
        {
            var base64 = root.TryGetProperty("isBase64Encoded", out var ib) && ib.ValueKind == JsonValueKind.True;
            var bytes = base64 ? Convert.FromBase64String(b.GetString()!) : Encoding.UTF8.GetBytes(b.GetString()!);
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Applies statusCode, headers and cookies (from a buffered response or a streaming prelude).</summary>
    public static void ApplyMetadata(HttpContext ctx, JsonElement? metadata)
    {
        ctx.Response.StatusCode = 200;
        if (metadata is not { ValueKind: JsonValueKind.Object } m)
        {
            return;
        }

        if (m.TryGetProperty("statusCode", out var sc) && sc.TryGetInt32(out var status))
        {
            ctx.Response.StatusCode = status;
        }

        if (m.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var h in headers.EnumerateObject())
            {
                ctx.Response.Headers[h.Name] = h.Value.ValueKind == JsonValueKind.String ? h.Value.GetString() : h.Value.GetRawText();
            }
        }

        if (m.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in cookies.EnumerateArray())
            {
                ctx.Response.Headers.Append("Set-Cookie", c.GetString());
            }
        }
    }
}
