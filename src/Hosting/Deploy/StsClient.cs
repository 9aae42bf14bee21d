using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using LlamaAspire.Hosting.Deploy.CloudFormation;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// STS's <c>GetCallerIdentity</c> — the one call the deploy makes to STS, to learn the account the credentials belong to —
/// on the query protocol signed with Signature Version 4, as <see cref="CloudFormationClient"/> does: one form POST is less
/// than another SDK package (AWSSDK.SecurityToken) and its version to keep in step with AWSSDK.Core.
/// </summary>
internal sealed class StsClient(HttpClient http, Uri endpoint, string region, Func<ImmutableCredentials> credentials, TimeProvider? time = null)
{
    public const string ApiVersion = "2011-06-15";
    public const string Service = "sts";

    private static readonly XNamespace s_ns = "https://sts.amazonaws.com/doc/2011-06-15/";

    /// <summary>The regional endpoint, <c>https://sts.{region}.amazonaws.com/</c> (what the AWS SDKs use by default now).</summary>
    public static Uri RegionalEndpoint(string region) => new($"https://sts.{region}.amazonaws.com/");

    /// <summary>The 12-digit account id of the credentials.</summary>
    public async Task<string> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($"Action=GetCallerIdentity&Version={ApiVersion}");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", AwsQuerySigner.FormContentType);
        AwsQuerySigner.Sign(request, body, credentials(), region, Service, (time ?? TimeProvider.System).GetUtcNow().UtcDateTime);

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var xml = XDocument.Parse(text);
        if (!response.IsSuccessStatusCode)
        {
            var error = xml.Root?.Element(s_ns + "Error");
            var code = error?.Element(s_ns + "Code")?.Value ?? $"Http{(int)response.StatusCode}";
            var message = error?.Element(s_ns + "Message")?.Value ?? text;
            throw new InvalidOperationException($"STS GetCallerIdentity failed: {code}: {message}");
        }

        var account = xml.Root?.Element(s_ns + "GetCallerIdentityResult")?.Element(s_ns + "Account")?.Value;
        return account is { Length: 12 } && account.All(char.IsAsciiDigit)
            ? account
            : throw new InvalidOperationException($"STS GetCallerIdentity answered without a 12-digit account id: {text}");
    }
}
