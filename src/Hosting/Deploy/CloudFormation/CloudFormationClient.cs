using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;

namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>
/// The CloudFormation API calls a deploy needs, on the query protocol (form-encoded POST, XML answers) signed with
/// Signature Version 4 — AWSSDK.CloudFormation is not available here, AWSSDK.Core's signer is.
/// </summary>
internal sealed class CloudFormationClient(HttpClient http, Uri endpoint, string region, Func<ImmutableCredentials> credentials, TimeProvider? time = null)
{
    public const string ApiVersion = "2010-05-15";
    public const string Service = "cloudformation";

    private static readonly XNamespace s_ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    /// <summary>The regional endpoint, <c>https://cloudformation.{region}.amazonaws.com/</c>.</summary>
    public static Uri RegionalEndpoint(string region) => new($"https://cloudformation.{region}.amazonaws.com/");

    /// <summary>The stack, or null when there is none by that name.</summary>
    public async Task<StackDescription?> DescribeStackAsync(string stackName, CancellationToken cancellationToken)
    {
        XElement result;
        try
        {
            result = await CallAsync("DescribeStacks", [new("StackName", stackName)], cancellationToken).ConfigureAwait(false);
        }
        catch (CloudFormationException ex) when (ex.Code == "ValidationError" && ex.Message.Contains("does not exist", StringComparison.Ordinal))
        {
            return null;
        }

        var stack = result.Element(s_ns + "Stacks")?.Elements(s_ns + "member").FirstOrDefault();
        if (stack is null)
        {
            return null;
        }

        return new StackDescription(
            Text(stack, "StackName"),
            Text(stack, "StackStatus"),
            Text(stack, "StackStatusReason"),
            Members(stack, "Outputs").ToDictionary(o => Text(o, "OutputKey"), o => Text(o, "OutputValue"), StringComparer.Ordinal),
            Members(stack, "Tags").ToDictionary(t => Text(t, "Key"), t => Text(t, "Value"), StringComparer.Ordinal));
    }

    /// <summary>Creates a change set (<c>CREATE</c> for a new stack, <c>UPDATE</c> otherwise); returns its id.</summary>
    public async Task<string> CreateChangeSetAsync(
        string stackName,
        string changeSetName,
        string templateBody,
        bool newStack,
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, string> tags,
        CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("StackName", stackName),
            new("ChangeSetName", changeSetName),
            new("ChangeSetType", newStack ? "CREATE" : "UPDATE"),
            new("TemplateBody", templateBody),
            // The template creates an IAM role (without a fixed name).
            new("Capabilities.member.1", "CAPABILITY_IAM"),
        };
        var i = 1;
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            form.Add(new($"Parameters.member.{i}.ParameterKey", key));
            form.Add(new($"Parameters.member.{i++}.ParameterValue", value));
        }

        i = 1;
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            form.Add(new($"Tags.member.{i}.Key", key));
            form.Add(new($"Tags.member.{i++}.Value", value));
        }

        var result = await CallAsync("CreateChangeSet", form, cancellationToken).ConfigureAwait(false);
        return Text(result, "Id");
    }

    /// <summary>The change set's status and changes.</summary>
    public async Task<ChangeSetDescription> DescribeChangeSetAsync(string stackName, string changeSetName, CancellationToken cancellationToken)
    {
        var result = await CallAsync("DescribeChangeSet", [new("StackName", stackName), new("ChangeSetName", changeSetName)], cancellationToken).ConfigureAwait(false);
        var changes = Members(result, "Changes")
            .Select(c => c.Element(s_ns + "ResourceChange"))
            .OfType<XElement>()
            .Select(r => new StackChange(Text(r, "Action"), Text(r, "LogicalResourceId"), Text(r, "ResourceType"), Text(r, "Replacement")))
            .ToList();
        return new ChangeSetDescription(Text(result, "Status"), Text(result, "ExecutionStatus"), Text(result, "StatusReason"), changes);
    }

    /// <summary>Executes the change set.</summary>
    public Task ExecuteChangeSetAsync(string stackName, string changeSetName, CancellationToken cancellationToken) =>
        CallAsync("ExecuteChangeSet", [new("StackName", stackName), new("ChangeSetName", changeSetName)], cancellationToken);

    /// <summary>The stack's most recent events, newest first (one page).</summary>
    public async Task<IReadOnlyList<StackEvent>> DescribeStackEventsAsync(string stackName, CancellationToken cancellationToken)
    {
        var result = await CallAsync("DescribeStackEvents", [new("StackName", stackName)], cancellationToken).ConfigureAwait(false);
        return Members(result, "StackEvents")
            .Select(e => new StackEvent(Text(e, "LogicalResourceId"), Text(e, "ResourceType"), Text(e, "ResourceStatus"), Text(e, "ResourceStatusReason"), Text(e, "EventId")))
            .ToList();
    }

    /// <summary>Deletes the stack.</summary>
    public Task DeleteStackAsync(string stackName, CancellationToken cancellationToken) =>
        CallAsync("DeleteStack", [new("StackName", stackName)], cancellationToken);

    /// <summary>One signed call; returns its <c>{Action}Result</c> element.</summary>
    private async Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var form = new StringBuilder($"Action={action}&Version={ApiVersion}");
        foreach (var (key, value) in parameters)
        {
            form.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var body = Encoding.UTF8.GetBytes(form.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", AwsQuerySigner.FormContentType);
        AwsQuerySigner.Sign(request, body, credentials(), region, Service, (time ?? TimeProvider.System).GetUtcNow().UtcDateTime);

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        if (!response.IsSuccessStatusCode)
        {
            var error = xml.Root?.Element(s_ns + "Error");
            throw new CloudFormationException(error is null ? $"Http{(int)response.StatusCode}" : Text(error, "Code"), error is null ? xml.ToString() : Text(error, "Message"));
        }

        return xml.Root?.Element(s_ns + $"{action}Result") ?? new XElement(s_ns + $"{action}Result");
    }

    private static string Text(XElement parent, string name) => parent.Element(s_ns + name)?.Value ?? "";

    private static IEnumerable<XElement> Members(XElement parent, string list) =>
        parent.Element(s_ns + list)?.Elements(s_ns + "member") ?? [];
}
