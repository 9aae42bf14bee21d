using Microsoft.Extensions.Logging;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>Writes a planned package and its template to the output directory:
/// <c>{function}.zip</c> (Zip only), <c>{function}.template.json</c> and <c>{function}.template.yaml</c>.</summary>
internal static class PublishWriter
{
    public static async Task<PublishResult> WriteAsync(
        LambdaFunctionSettings settings,
        LambdaDeployAnnotation options,
        PackagePlan plan,
        IReadOnlyDictionary<string, string> environment,
        string? modelName,
        string output,
        Action<LogLevel, string> say,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(output);
        var name = settings.FunctionName;
        string? zipPath = null;
        string hash;
        if (plan.Kind == PackageKind.Zip)
        {
            zipPath = Path.Combine(output, $"{name}.zip");
            hash = await ZipPackageWriter.WriteAsync(plan, zipPath, cancellationToken).ConfigureAwait(false);
            say(LogLevel.Information, $"{name}: wrote {zipPath} ({ByteSize.Format(new FileInfo(zipPath).Length)} zipped, sha256 {hash}).");
        }
        else
        {
            hash = await PackageContents.HashFilesAsync(plan, cancellationToken).ConfigureAwait(false);
            say(LogLevel.Warning, $"{name}: the container image (layers model → natives → bootstrap) is built and pushed by the deploy " +
                "step, which is not implemented yet; the template takes its URI as the ImageUri parameter.");
        }

        var deployment = new FunctionDeployment(settings, options, plan, environment, hash, modelName);
        var template = CloudFormationTemplate.Build(deployment);
        var jsonPath = Path.Combine(output, $"{name}.template.json");
        var yamlPath = Path.Combine(output, $"{name}.template.yaml");
        await File.WriteAllTextAsync(jsonPath, TemplateWriter.ToJson(template), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(yamlPath, TemplateWriter.ToYaml(template), cancellationToken).ConfigureAwait(false);
        say(LogLevel.Information, $"{name}: wrote {jsonPath} and {yamlPath}.");
        return new PublishResult(deployment, zipPath, jsonPath, yamlPath);
    }
}
