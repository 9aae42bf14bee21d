namespace LlamaAspire.Hosting.Deploy;

/// <summary>Everything a template is written from: the function's settings, its deployment options, its package and the
/// environment it gets on Lambda. The same deployment always gives the same template bytes.</summary>
/// <param name="Settings">The function's settings.</param>
/// <param name="Options">Its deployment options.</param>
/// <param name="Package">Its package.</param>
/// <param name="Environment">Its environment on Lambda (local paths rewritten).</param>
/// <param name="CodeSha256">The SHA-256 (hex) of the zip, or of the image's files: it names the artifact and the version.</param>
/// <param name="ModelName">The model's preset, or null without a model.</param>
internal sealed record FunctionDeployment(
    LambdaFunctionSettings Settings,
    LambdaDeployAnnotation Options,
    PackagePlan Package,
    IReadOnlyDictionary<string, string> Environment,
    string CodeSha256,
    string? ModelName);
