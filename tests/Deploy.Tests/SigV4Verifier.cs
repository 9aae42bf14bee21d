using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Signature Version 4 as AWS documents it, written independently of AWSSDK.Core, for the stand-ins to check requests with.</summary>
public static class SigV4Verifier
{
    /// <summary>Null when the request's signature verifies for these credentials, region and service; else what is wrong.</summary>
    public static string? Verify(HttpListenerRequest request, byte[] body, string accessKey, string secretKey, string region, string service)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        var authorization = request.Headers["Authorization"] ?? "";
        var parts = authorization.Replace("AWS4-HMAC-SHA256 ", "", StringComparison.Ordinal).Split(", ")
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal) || !parts.TryGetValue("Credential", out var credential))
        {
            return $"no SigV4 Authorization header: '{authorization}'";
        }

        var amzDate = request.Headers["X-Amz-Date"]!;
        var scope = credential[(credential.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var signedHeaders = parts["SignedHeaders"];
        var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => $"{h}:{request.Headers[h]!.Trim()}\n"));
        var canonicalRequest = $"{request.HttpMethod}\n{request.Url!.AbsolutePath}\n\n{canonicalHeaders}\n{signedHeaders}\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in scope.Split('/'))
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!credential.StartsWith(accessKey + "/", StringComparison.Ordinal) || scope != $"{amzDate[..8]}/{region}/{service}/aws4_request"
            || !signedHeaders.Contains("host", StringComparison.Ordinal) || parts["Signature"] != expected)
        {
            return $"signature mismatch (scope {scope}, signed headers {signedHeaders})";
        }

        return null;
    }
}
