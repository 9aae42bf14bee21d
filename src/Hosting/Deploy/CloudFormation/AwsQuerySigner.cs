using System.Globalization;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>
/// Signs a POST to a service's root — the query protocol (form-encoded, CloudFormation) or JSON 1.1 (<c>X-Amz-Target</c>, ECR)
/// — with Signature Version 4. The canonical request is built here; the signature (key derivation, HMACs, the Authorization
/// header) is AWSSDK.Core's own.
/// </summary>
internal static class AwsQuerySigner
{
    public const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    /// <summary>The content type of JSON 1.1 requests.</summary>
    public const string Json11ContentType = "application/x-amz-json-1.1";

    /// <summary>Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (session credentials) and <c>Authorization</c> to a form-encoded request.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, ImmutableCredentials credentials, string region, string service, DateTime signedAtUtc) =>
        Sign(request, body, FormContentType, target: null, credentials, region, service, signedAtUtc);

    /// <summary>Signs a request with the given content type and, for JSON 1.1, its <c>X-Amz-Target</c> (signed too); the
    /// caller sets both headers on the request.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, string contentType, string? target, ImmutableCredentials credentials, string region, string service, DateTime signedAtUtc)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = signedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = contentType,
            ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}",
            ["x-amz-date"] = amzDate,
        };
        if (credentials.UseToken)
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        if (target is not null)
        {
            headers["x-amz-target"] = target;
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = string.Join('\n',
            request.Method.Method,
            string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath,
            "",
            string.Concat(headers.Select(h => $"{h.Key}:{h.Value.Trim()}\n")),
            signedHeaders,
            Convert.ToHexStringLower(SHA256.HashData(body)));

        var result = AWS4Signer.ComputeSignature(credentials, region, signedAtUtc, service, signedHeaders, canonicalRequest);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }
}
