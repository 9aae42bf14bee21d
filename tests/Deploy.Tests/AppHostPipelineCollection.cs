namespace LlamaAspire.Deploy.Tests;

/// <summary>The tests that run the product AppHost's pipeline steps, one at a time: each publishes the Native AOT bootstrap
/// into the same <c>artifacts/deploy/{rid}</c>, and two links of one file at once corrupt it.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostPipelineCollection
{
    public const string Name = "AppHost pipeline";
}
