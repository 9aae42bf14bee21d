using System.Net;
using System.Text;
using System.Web;

namespace LlamaAspire.Deploy.Tests;

/// <summary>
/// A stand-in for STS on loopback (AWS cannot be reached here): it checks each request's Signature Version 4 and answers
/// <c>GetCallerIdentity</c> in STS's XML with <see cref="AccountId"/>.
/// </summary>
public sealed class StsStandIn : IDisposable
{
    public const string AccountId = "123456789012";

    private const string Ns = "https://sts.amazonaws.com/doc/2011-06-15/";
    private readonly StandInListener _listener;
    private readonly string _accessKey;
    private readonly string _secretKey;

    public StsStandIn(string accessKey = CloudFormationStandIn.AccessKey, string secretKey = CloudFormationStandIn.SecretKey)
    {
        _accessKey = accessKey;
        _secretKey = secretKey;
        _listener = new StandInListener(Handle);
    }

    public Uri Endpoint => _listener.Endpoint;

    /// <summary>Every call's action, in order.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Requests whose signature did not verify.</summary>
    public List<string> SignatureFailures { get; } = [];

    public void Dispose() => _listener.Dispose();

    private StandInAnswer Handle(HttpListenerRequest request, byte[] bytes)
    {
        var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(bytes));
        var action = form["Action"] ?? "";
        lock (Calls)
        {
            Calls.Add(action);
        }

        var failure = SigV4Verifier.Verify(request, bytes, _accessKey, _secretKey, CloudFormationStandIn.Region, "sts");
        if (failure is not null)
        {
            lock (SignatureFailures)
            {
                SignatureFailures.Add(failure);
            }
        }

        var (status, xml) = failure is not null ? (403, Error("SignatureDoesNotMatch", failure))
            : action == "GetCallerIdentity" && form["Version"] == "2011-06-15"
                ? (200, $"""<GetCallerIdentityResponse xmlns="{Ns}"><GetCallerIdentityResult><Arn>arn:aws:iam::{AccountId}:user/deployer</Arn><UserId>AIDAEXAMPLE</UserId><Account>{AccountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>""")
                : (400, Error("InvalidAction", $"The stand-in does not know {action}"));
        return new StandInAnswer(status, "text/xml", Encoding.UTF8.GetBytes(xml));
    }

    private static string Error(string code, string message) =>
        $"""<ErrorResponse xmlns="{Ns}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>r</RequestId></ErrorResponse>""";
}
