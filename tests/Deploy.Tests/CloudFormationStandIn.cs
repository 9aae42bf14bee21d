using System.Net;
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
    private readonly StandInListener _listener;
    private readonly Dictionary<string, Stack> _stacks = [];
    private readonly Dictionary<string, (string Stack, string Type, string Template, Dictionary<string, string> Tags)> _changeSets = [];

    private readonly string _accessKey;
    private readonly string _secretKey;

    /// <summary>Starts the stand-in; requests must be signed with these credentials (AWS's documentation example by default).</summary>
    public CloudFormationStandIn(string accessKey = AccessKey, string secretKey = SecretKey)
    {
        _accessKey = accessKey;
        _secretKey = secretKey;
        _listener = new StandInListener(Handle);
    }

    public Uri Endpoint => _listener.Endpoint;

    /// <summary>Every call's action and form, in order.</summary>
    public List<(string Action, Dictionary<string, string> Form)> Calls { get; } = [];

    /// <summary>Requests whose signature did not verify.</summary>
    public List<string> SignatureFailures { get; } = [];

    public void Dispose() => _listener.Dispose();

    private StandInAnswer Handle(HttpListenerRequest request, byte[] bytes)
    {
        var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(bytes));
        var values = form.AllKeys.ToDictionary(k => k!, k => form[k]!);
        lock (Calls)
        {
            Calls.Add((values["Action"], values));
        }

        var failure = Verify(request, bytes);
        if (failure is not null)
        {
            lock (SignatureFailures)
            {
                SignatureFailures.Add(failure);
            }
        }

        (int Status, string Xml) answered;
        try
        {
            answered = failure is not null ? (403, Error("SignatureDoesNotMatch", failure)) : Answer(values);
        }
        catch (KeyNotFoundException ex)
        {
            // A call the stand-in has no state for: answered, so the client fails with it rather than waiting.
            answered = (500, Error("StandInError", ex.Message));
        }

        return new StandInAnswer(answered.Status, "text/xml", Encoding.UTF8.GetBytes(answered.Xml));
    }

    /// <summary>When set, the next executed change set fails on this resource with this reason, and rolls back.</summary>
    public (string LogicalId, string Reason)? FailNextExecution { get; set; }

    /// <summary>Puts a stack in a state, as a failed earlier deploy would have left it.</summary>
    public void SetStack(string name, string status, string template = "{}", string? inProgress = null) =>
        _stacks[name] = new Stack { Status = status, Template = template, InProgress = inProgress };

    /// <summary>The stack's status now (null when there is none).</summary>
    public string? StatusOf(string name) => _stacks.TryGetValue(name, out var stack) ? stack.Status : null;

    private sealed class Stack
    {
        public string Status { get; set; } = "";
        public string Template { get; set; } = "{}";
        public Dictionary<string, string> Tags { get; set; } = [];
        public List<string> Events { get; } = [];

        /// <summary>A status to report once before <see cref="Status"/>: the operation still in progress.</summary>
        public string? InProgress { get; set; }
    }

    private (int Status, string Xml) Answer(Dictionary<string, string> form)
    {
        var action = form["Action"];
        var name = form.GetValueOrDefault("StackName", "");
        switch (action)
        {
            case "DescribeStacks" when !_stacks.ContainsKey(name):
                return (400, Error("ValidationError", $"Stack with id {name} does not exist"));
            case "DescribeStacks":
                var stack = _stacks[name];
                var status = stack.InProgress ?? stack.Status;
                stack.InProgress = null;
                if (status == "DELETE_COMPLETE")
                {
                    _stacks.Remove(name);
                }

                var tags = string.Concat(stack.Tags.Select(t => $"<member><Key>{t.Key}</Key><Value>{t.Value}</Value></member>"));
                return (200, Result(action, $"""
                    <Stacks><member><StackName>{name}</StackName><StackStatus>{status}</StackStatus>
                    <Outputs><member><OutputKey>FunctionUrl</OutputKey><OutputValue>https://abc.lambda-url.us-east-1.on.aws/</OutputValue></member>
                    <member><OutputKey>FunctionArn</OutputKey><OutputValue>arn:aws:lambda:us-east-1:123456789012:function:{name}</OutputValue></member>
                    <member><OutputKey>AliasArn</OutputKey><OutputValue>arn:aws:lambda:us-east-1:123456789012:function:{name}:live</OutputValue></member></Outputs>
                    <Tags>{tags}</Tags></member></Stacks>
                    """));
            case "DescribeStackEvents" when !_stacks.ContainsKey(name):
                return (400, Error("ValidationError", $"Stack [{name}] does not exist"));
            case "DescribeStackEvents":
                return (200, Result(action, $"<StackEvents>{string.Concat(_stacks[name].Events.AsEnumerable().Reverse())}</StackEvents>"));
            case "DeleteStack" when !_stacks.ContainsKey(name):
                return (200, Result(action, "")); // CloudFormation's answer for a stack that is not there
            case "DeleteStack":
                _stacks[name].Status = "DELETE_COMPLETE";
                _stacks[name].InProgress = "DELETE_IN_PROGRESS";
                return (200, Result(action, ""));
            case "CreateChangeSet":
                var changeSetTags = form.Where(f => f.Key.StartsWith("Tags.member.", StringComparison.Ordinal) && f.Key.EndsWith(".Key", StringComparison.Ordinal))
                    .ToDictionary(f => f.Value, f => form[f.Key[..^".Key".Length] + ".Value"]);
                if ((form["ChangeSetType"] == "CREATE") == _stacks.ContainsKey(name))
                {
                    return (400, Error("ValidationError", $"ChangeSetType {form["ChangeSetType"]} does not fit stack {name}"));
                }

                _changeSets[form["ChangeSetName"]] = (name, form["ChangeSetType"], form["TemplateBody"], changeSetTags);
                return (200, Result(action, $"<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/{form["ChangeSetName"]}/1</Id>"));
            case "DescribeChangeSet":
                var changeSet = _changeSets[form["ChangeSetName"]];
                var before = _stacks.TryGetValue(name, out var existing) ? Resources(existing.Template) : [];
                var after = Resources(changeSet.Template);
                var changes = after.Where(r => !before.ContainsKey(r.Key)).Select(r => Change("Add", r.Key, r.Value.Type, ""))
                    .Concat(after.Where(r => before.TryGetValue(r.Key, out var old) && old.Json != r.Value.Json).Select(r => Change("Modify", r.Key, r.Value.Type, "Conditional")))
                    .Concat(before.Where(r => !after.ContainsKey(r.Key)).Select(r => Change("Remove", r.Key, r.Value.Type, "")))
                    .ToList();
                return changes.Count == 0
                    ? (200, Result(action, "<Status>FAILED</Status><ExecutionStatus>UNAVAILABLE</ExecutionStatus><StatusReason>The submitted information didn't contain changes. Submit different information to create a change set.</StatusReason><Changes/>"))
                    : (200, Result(action, $"<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Changes>{string.Concat(changes)}</Changes>"));
            case "ExecuteChangeSet":
                var executed = _changeSets[form["ChangeSetName"]];
                var create = executed.Type == "CREATE";
                var target = create ? (_stacks[name] = new Stack()) : _stacks[name];
                target.InProgress = create ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
                if (FailNextExecution is { } failure)
                {
                    FailNextExecution = null;
                    target.Events.Add($"<member><LogicalResourceId>{failure.LogicalId}</LogicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType>" +
                        $"<ResourceStatus>{(create ? "CREATE_FAILED" : "UPDATE_FAILED")}</ResourceStatus><ResourceStatusReason>{failure.Reason}</ResourceStatusReason></member>");
                    target.Status = create ? "ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_COMPLETE";
                    return (200, Result(action, ""));
                }

                target.Status = create ? "CREATE_COMPLETE" : "UPDATE_COMPLETE";
                foreach (var (logicalId, resource) in Resources(executed.Template))
                {
                    target.Events.Add($"<member><EventId>{Guid.NewGuid()}</EventId><LogicalResourceId>{logicalId}</LogicalResourceId><ResourceType>{resource.Type}</ResourceType>" +
                        $"<ResourceStatus>{target.Status}</ResourceStatus><ResourceStatusReason/></member>");
                }

                target.Template = executed.Template;
                target.Tags = executed.Tags;
                return (200, Result(action, ""));
            default:
                return (400, Error("InvalidAction", $"The stand-in does not know {action}"));
        }
    }

    private static Dictionary<string, (string Type, string Json)> Resources(string template) =>
        JsonDocument.Parse(template).RootElement.TryGetProperty("Resources", out var resources)
            ? resources.EnumerateObject().ToDictionary(r => r.Name, r => (r.Value.GetProperty("Type").GetString()!, r.Value.GetRawText()))
            : [];

    private static string Change(string action, string logicalId, string type, string replacement) =>
        $"<member><Type>Resource</Type><ResourceChange><Action>{action}</Action><LogicalResourceId>{logicalId}</LogicalResourceId>" +
        $"<ResourceType>{type}</ResourceType><Replacement>{replacement}</Replacement></ResourceChange></member>";

    private static string Result(string action, string inner) =>
        $"""<{action}Response xmlns="{Ns}"><{action}Result>{inner}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>""";

    private static string Error(string code, string message) =>
        $"""<ErrorResponse xmlns="{Ns}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>r</RequestId></ErrorResponse>""";

    private string? Verify(HttpListenerRequest request, byte[] body) =>
        SigV4Verifier.Verify(request, body, _accessKey, _secretKey, Region, "cloudformation");
}
