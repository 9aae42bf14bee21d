using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>Marks a function whose publish step is added, so <c>WithCloudFormationPublish</c> adds it once.</summary>
internal sealed class CloudFormationPublishAnnotation : IResourceAnnotation;
