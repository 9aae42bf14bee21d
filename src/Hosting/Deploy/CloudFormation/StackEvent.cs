namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>One stack event: a resource's status change and its reason.</summary>
/// <param name="LogicalId">The resource (the stack itself for stack events).</param>
/// <param name="ResourceType">Its type.</param>
/// <param name="Status">e.g. <c>CREATE_FAILED</c>.</param>
/// <param name="Reason">CloudFormation's reason, or empty.</param>
/// <param name="EventId">The event's id (empty when not given), so a poll says each event once.</param>
internal sealed record StackEvent(string LogicalId, string ResourceType, string Status, string Reason, string EventId = "");
