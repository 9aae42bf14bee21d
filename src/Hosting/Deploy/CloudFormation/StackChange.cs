namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>One resource change of a change set.</summary>
/// <param name="Action"><c>Add</c>, <c>Modify</c>, <c>Remove</c> (or <c>Import</c>, <c>Dynamic</c>).</param>
/// <param name="LogicalId">The resource's logical id.</param>
/// <param name="ResourceType">Its type.</param>
/// <param name="Replacement">For a Modify: <c>True</c>, <c>False</c> or <c>Conditional</c>; empty otherwise.</param>
internal sealed record StackChange(string Action, string LogicalId, string ResourceType, string Replacement);
