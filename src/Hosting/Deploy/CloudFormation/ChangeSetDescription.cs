namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>A change set as <c>DescribeChangeSet</c> gives it.</summary>
/// <param name="Status"><c>CREATE_PENDING</c>, <c>CREATE_IN_PROGRESS</c>, <c>CREATE_COMPLETE</c>, <c>FAILED</c>, …</param>
/// <param name="ExecutionStatus"><c>AVAILABLE</c> once it can be executed.</param>
/// <param name="StatusReason">Why it failed (e.g. it contains no changes), or empty.</param>
/// <param name="Changes">Its resource changes.</param>
internal sealed record ChangeSetDescription(string Status, string ExecutionStatus, string StatusReason, IReadOnlyList<StackChange> Changes);
