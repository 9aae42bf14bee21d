using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LlamaAspire.LambdaContracts.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// A stand-in for AWS's Lambda endpoint on loopback (AWS cannot be reached here): it checks every request's Signature
/// Version 4 with its own implementation of the algorithm — not AWSSDK.Core's — as AWS would (known key, scope, clock skew,
/// host and x-amz-date signed, the path encoded twice), answers 403 InvalidSignatureException when it does not verify, and
/// otherwise forwards the request to the real emulator and streams its answer back.
/// </summary>
public sealed class LambdaApiStandIn : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private readonly WebApplication _app;
    private readonly HttpClient _emulator;
    private readonly List<SignedCall> _calls = [];
    private readonly List<string> _failures = [];

    private LambdaApiStandIn(WebApplication app, HttpClient emulator, Uri endpoint)
    {
        _app = app;
        _emulator = emulator;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Requests whose signature verified: method, path as sent, region of the scope, signed headers.</summary>
    public IReadOnlyList<SignedCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Why requests were refused.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public sealed record SignedCall(string Method, string RawTarget, string Region, string SignedHeaders);

    public static async Task<LambdaApiStandIn> StartAsync(Uri emulatorAddress)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var emulator = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = emulatorAddress, Timeout = TimeSpan.FromMinutes(5) };
        LambdaApiStandIn? standIn = null;
        app.Run(ctx => standIn!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn = new LambdaApiStandIn(app, emulator, new Uri(address.TrimEnd('/') + "/"));
        return standIn;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var rawTarget = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;

        var (failure, call) = Verify(ctx.Request, rawTarget, body);
        if (failure is not null)
        {
            lock (_failures)
            {
                _failures.Add($"{ctx.Request.Method} {rawTarget}: {failure}");
            }

            ctx.Response.StatusCode = 403;
            ctx.Response.Headers["x-amzn-ErrorType"] = "InvalidSignatureException";
            await ctx.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["message"] = failure });
            return;
        }

        lock (_calls)
        {
            _calls.Add(call!);
        }

        // GetFunctionUrlConfig, which the emulator does not serve: each function's URL is the emulator's path for it, through here.
        var path = rawTarget.Split('?')[0].Split('/');
        if (ctx.Request.Method == "GET" && path is ["", "2021-10-31", "functions", var name, "url"])
        {
            await ctx.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                [FunctionsApi.FunctionUrlMember] = new Uri(Endpoint, $"{Uri.UnescapeDataString(name)}/url/").ToString(),
                ["AuthType"] = "AWS_IAM",
            });
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), rawTarget);
        if (body.Length > 0 || ctx.Request.ContentType is not null)
        {
            forward.Content = new ByteArrayContent(body);
            if (ctx.Request.ContentType is { } type)
            {
                forward.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        foreach (var header in ctx.Request.Headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)))
        {
            forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
        }

        using var answer = await _emulator.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
        ctx.Response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers).Where(h => h.Key is not ("Transfer-Encoding" or "Content-Length")))
        {
            ctx.Response.Headers[header.Key] = header.Value.ToArray();
        }

        // Streamed as it comes, so a response stream's first chunk reaches the client when the emulator sends it.
        await using var stream = await answer.Content.ReadAsStreamAsync(ctx.RequestAborted);
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            await ctx.Response.Body.WriteAsync(chunk.AsMemory(0, read), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }
    }

    /// <summary>SigV4 verification, written from AWS's description of the algorithm.</summary>
    private static (string? Failure, SignedCall? Call) Verify(HttpRequest request, string rawTarget, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Algorithm = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Algorithm, StringComparison.Ordinal))
        {
            return ("no AWS4-HMAC-SHA256 Authorization header", null);
        }

        var parts = authorization[Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders)
            || !parts.TryGetValue("Signature", out var signature))
        {
            return ("Authorization lacks Credential, SignedHeaders or Signature", null);
        }

        var scope = credential.Split('/');
        if (scope is not [AccessKey, var day, var region, "lambda", "aws4_request"])
        {
            return ($"credential scope '{credential}' is not {AccessKey}/<date>/<region>/lambda/aws4_request", null);
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt)
            || Math.Abs((DateTime.UtcNow - signedAt).TotalMinutes) > 5 || !amzDate.StartsWith(day, StringComparison.Ordinal))
        {
            return ($"x-amz-date '{amzDate}' missing, more than 5 minutes off, or not the scope's day {day}", null);
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date") || !names.SequenceEqual(names.Order(StringComparer.Ordinal)))
        {
            return ($"SignedHeaders '{signedHeaders}' must be sorted and include host and x-amz-date", null);
        }

        var questionMark = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = questionMark < 0 ? rawTarget : rawTarget[..questionMark];
        var query = questionMark < 0 ? "" : rawTarget[(questionMark + 1)..];
        var canonicalPath = string.Join('/', path.Split('/').Select(Encode));
        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => Encode(Uri.UnescapeDataString(p[0])) + "=" + (p.Length > 1 ? Encode(Uri.UnescapeDataString(p[1])) : ""))
            .Order(StringComparer.Ordinal));
        var canonicalHeaders = string.Concat(names.Select(n => $"{n}:{string.Join(',', request.Headers[n].Select(v => string.Join(' ', v!.Split(' ', StringSplitOptions.RemoveEmptyEntries))))}\n"));
        var canonicalRequest = $"{request.Method}\n{canonicalPath}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData(body))}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{day}/{region}/lambda/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + SecretKey), day), region), "lambda"), "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return expected == signature
            ? (null, new SignedCall(request.Method, rawTarget, region, signedHeaders))
            : ($"signature mismatch; canonical request was:\n{canonicalRequest}", null);
    }

    /// <summary>RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex.</summary>
    private static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? c.ToString() : $"%{b:X2}");
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public async ValueTask DisposeAsync()
    {
        _emulator.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
