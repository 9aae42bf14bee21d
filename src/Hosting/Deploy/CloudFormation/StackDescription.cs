namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>A stack as <c>DescribeStacks</c> gives it.</summary>
/// <param name="Name">The stack name.</param>
/// <param name="Status">Its status, e.g. <c>CREATE_COMPLETE</c> or <c>ROLLBACK_COMPLETE</c>.</param>
/// <param name="StatusReason">Why, when CloudFormation says.</param>
/// <param name="Outputs">Its outputs by key.</param>
/// <param name="Tags">Its tags by key.</param>
internal sealed record StackDescription(string Name, string Status, string StatusReason, IReadOnlyDictionary<string, string> Outputs, IReadOnlyDictionary<string, string> Tags);
