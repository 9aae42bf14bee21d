namespace LlamaAspire.Hosting.Deploy;

/// <summary>What a publish wrote.</summary>
/// <param name="Deployment">What the template was written from.</param>
/// <param name="ZipPath">The zip, when the package is Zip.</param>
/// <param name="JsonPath">The template as JSON.</param>
/// <param name="YamlPath">The template as YAML.</param>
internal sealed record PublishResult(FunctionDeployment Deployment, string? ZipPath, string JsonPath, string YamlPath);
