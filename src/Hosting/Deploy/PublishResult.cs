namespace LlamaAspire.Hosting.Deploy;

/// <summary>What a publish wrote.</summary>
/// <param name="Deployment">What the template was written from.</param>
/// <param name="ZipPath">The zip, when the package is Zip.</param>
/// <param name="Image">The image's OCI layout, when the package is Image.</param>
/// <param name="JsonPath">The template as JSON.</param>
/// <param name="YamlPath">The template as YAML.</param>
internal sealed record PublishResult(FunctionDeployment Deployment, string? ZipPath, Image.OciImage? Image, string JsonPath, string YamlPath);
