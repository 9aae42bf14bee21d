using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>What this run's publish step wrote for the function, for its deploy step (which depends on it) to deploy.</summary>
/// <param name="Result">The publish's result.</param>
internal sealed record PublishedPackageAnnotation(PublishResult Result) : IResourceAnnotation;
