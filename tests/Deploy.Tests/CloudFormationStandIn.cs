using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;

namespace LlamaAspire.Deploy.Tests;

/// <summary>
/// A stand-in for the CloudFormation API on loopback (AWS cannot be reached here): it checks each request's Signature
/// Version 4 with its own implementation of the algorithm, keeps stacks in memory and answers in CloudFormation's XML.
/// </summary>
public sealed class CloudFormationStandIn : IDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";

    private const string Ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (string Status, string Template, Dictionary<string, string> Tags)> _stacks = [];
    private readonly Dictionary<string, (string Stack, string Type, string Template, Dictionary<string, string> Tags)> _changeSets = [];

    public CloudFormationStandIn()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Every call's action and form, in order.</summary>
    public List<(string Action, Dictionary<string, string> Form)> Calls { get; } = [];

    /// <summary>Requests whose signature did not verify.</summary>
    public List<string> SignatureFailures { get; } = [];

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(bytes));
            var values = form.AllKeys.ToDictionary(k => k!, k => form[k]!);
            lock (Calls)
            {
                Calls.Add((values["Action"], values));
            }

            var failure = Verify(context.Request, bytes);
            if (failure is not null)
            {
                lock (SignatureFailures)
                {
                    SignatureFailures.Add(failure);
                }
            }

            var (status, xml) = failure is not null ? (403, Error("SignatureDoesNotMatch", failure)) : Answer(values);
            var answer = Encoding.UTF8.GetBytes(xml);
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/xml";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    private (int Status, string Xml) Answer(Dictionary<string, string> form)
    {
        var action = form["Action"];
        switch (action)
        {
            case "DescribeStacks" when !_stacks.ContainsKey(form["StackName"]):
                return (400, Error("ValidationError", $"Stack with id {form["StackName"]} does not exist"));
            case "DescribeStacks":
                var stack = _stacks[form["StackName"]];
                var tags = string.Concat(stack.Tags.Select(t => $"<member><Key>{t.Key}</Key><Value>{t.Value}</Value></member>"));
                return (200, Result(action, $"""
                    <Stacks><member><StackName>{form["StackName"]}</StackName><StackStatus>{stack.Status}</StackStatus>
                    <Outputs><member><OutputKey>FunctionUrl</OutputKey><OutputValue>https://abc.lambda-url.us-east-1.on.aws/</OutputValue></member></Outputs>
                    <Tags>{tags}</Tags></member></Stacks>
                    """));
            case "CreateChangeSet":
                var changeSetTags = form.Where(f => f.Key.StartsWith("Tags.member.", StringComparison.Ordinal) && f.Key.EndsWith(".Key", StringComparison.Ordinal))
                    .ToDictionary(f => f.Value, f => form[f.Key[..^".Key".Length] + ".Value"]);
                _changeSets[form["ChangeSetName"]] = (form["StackName"], form["ChangeSetType"], form["TemplateBody"], changeSetTags);
                return (200, Result(action, $"<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/{form["ChangeSetName"]}/1</Id>"));
            case "DescribeChangeSet":
                var changeSet = _changeSets[form["ChangeSetName"]];
                var resources = JsonDocument.Parse(changeSet.Template).RootElement.GetProperty("Resources").EnumerateObject();
                var changes = string.Concat(resources.Select(r =>
                    $"<member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>{r.Name}</LogicalResourceId>" +
                    $"<ResourceType>{r.Value.GetProperty("Type").GetString()}</ResourceType></ResourceChange></member>"));
                return (200, Result(action, $"<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Changes>{changes}</Changes>"));
            case "ExecuteChangeSet":
                var executed = _changeSets[form["ChangeSetName"]];
                _stacks[executed.Stack] = (executed.Type == "CREATE" ? "CREATE_COMPLETE" : "UPDATE_COMPLETE", executed.Template, executed.Tags);
                return (200, Result(action, ""));
            default:
                return (400, Error("InvalidAction", $"The stand-in does not know {action}"));
        }
    }

    private static string Result(string action, string inner) =>
        $"""<{action}Response xmlns="{Ns}"><{action}Result>{inner}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>""";

    private static string Error(string code, string message) =>
        $"""<ErrorResponse xmlns="{Ns}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>r</RequestId></ErrorResponse>""";

    /// <summary>Signature Version 4 as AWS documents it, written independently of AWSSDK.Core; null when it verifies.</summary>
    private static string? Verify(HttpListenerRequest request, byte[] body)
    {
        var authorization = request.Headers["Authorization"] ?? "";
        var parts = authorization.Replace("AWS4-HMAC-SHA256 ", "", StringComparison.Ordinal).Split(", ")
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
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
        var key = Encoding.UTF8.GetBytes("AWS4" + SecretKey);
        foreach (var part in scope.Split('/'))
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!credential.StartsWith(AccessKey + "/", StringComparison.Ordinal) || scope != $"{amzDate[..8]}/{Region}/cloudformation/aws4_request"
            || !signedHeaders.Contains("host", StringComparison.Ordinal) || parts["Signature"] != expected)
        {
            return $"signature mismatch (scope {scope}, signed headers {signedHeaders})";
        }

        return null;
    }
}
