using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Aws;

/// <summary>
/// Signs a Lambda API or function URL request with Signature Version 4 (service <c>lambda</c>). The canonical request is
/// built here from the request as it will be sent; the key derivation, the HMACs and the Authorization header are
/// AWSSDK.Core's own (<see cref="AWS4Signer.ComputeSignature(ImmutableCredentials, string, DateTime, string, string, string)"/>).
/// </summary>
public sealed class SigV4Signer(Func<CancellationToken, ValueTask<ImmutableCredentials>> credentials, string region, TimeProvider? time = null) : IRequestSigner
{
    /// <summary>The service name Lambda's endpoints and function URLs are signed for.</summary>
    public const string Service = "lambda";

    /// <summary>The region signed for.</summary>
    public string Region => region;

    /// <inheritdoc />
    public async ValueTask SignAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (request.Content is not null and not ByteArrayContent)
        {
            // Sign the bytes that are sent: content that serialises on send (JSON) is fixed as bytes first.
            var fixedContent = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
            {
                fixedContent.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content = fixedContent;
        }

        Sign(request, body, await credentials(cancellationToken).ConfigureAwait(false), region, (time ?? TimeProvider.System).GetUtcNow().UtcDateTime);
    }

    /// <summary>Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (session credentials) and <c>Authorization</c> to a request whose URI is absolute.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, ImmutableCredentials credentials, string region, DateTime signedAtUtc,
        string service = Service)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? absolute
            : throw new ArgumentException("SigV4 signs the host: the request URI must be absolute.", nameof(request));
        var amzDate = signedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.Remove("X-Amz-Security-Token");
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }

        var headers = SignedHeaders(request, uri);
        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = string.Join('\n',
            request.Method.Method,
            CanonicalPath(uri),
            CanonicalQuery(uri),
            string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n")),
            signedHeaders,
            Convert.ToHexStringLower(SHA256.HashData(body)));

        var result = AWS4Signer.ComputeSignature(credentials, region, signedAtUtc, service, signedHeaders, canonicalRequest);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    /// <summary>host, content-type and every <c>x-amz-*</c> header, lower-cased, values trimmed with inner runs of spaces folded.</summary>
    private static SortedDictionary<string, string> SignedHeaders(HttpRequestMessage request, Uri uri)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}",
        };
        var all = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>());
        foreach (var (name, values) in all)
        {
            var key = name.ToLowerInvariant();
            if (key.StartsWith("x-amz-", StringComparison.Ordinal) || key == "content-type")
            {
                headers[key] = string.Join(',', values.Select(Fold));
            }
        }

        return headers;
    }

    private static string Fold(string value) => string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The path as sent, each segment URI-encoded once more (every service but S3 signs the path encoded twice).</summary>
    internal static string CanonicalPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        return string.IsNullOrEmpty(path) ? "/" : string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>Query parameters sorted by encoded name then value, each RFC 3986-encoded.</summary>
    internal static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return "";
        }

        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Uri.EscapeDataString(Uri.UnescapeDataString(p[0])), Value: p.Length > 1 ? Uri.EscapeDataString(Uri.UnescapeDataString(p[1])) : ""))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal);
        var builder = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            builder.Append(builder.Length == 0 ? "" : "&").Append(name).Append('=').Append(value);
        }

        return builder.ToString();
    }
}
