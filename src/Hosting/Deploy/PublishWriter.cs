using LlamaAspire.Hosting.Deploy.Image;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>Writes a planned package and its template to the output directory:
/// <c>{function}.zip</c> (Zip) or the image as an OCI layout <c>{function}.oci/</c> (Image), <c>{function}.template.json</c> and <c>{function}.template.yaml</c>.</summary>
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
        OciImage? image = null;
        string hash;
        if (plan.Kind == PackageKind.Zip)
        {
            zipPath = Path.Combine(output, $"{name}.zip");
            hash = await ZipPackageWriter.WriteAsync(plan, zipPath, cancellationToken).ConfigureAwait(false);
            say(LogLevel.Information, $"{name}: wrote {zipPath} ({ByteSize.Format(new FileInfo(zipPath).Length)} zipped, sha256 {hash}).");
        }
        else
        {
            var layout = Path.Combine(output, $"{name}.oci");
            image = await OciImageWriter.WriteAsync(plan, settings.Architecture, layout, cancellationToken).ConfigureAwait(false);
            hash = image.Manifest.Hex;
            say(LogLevel.Information, $"{name}: wrote the image's layers (model → natives → bootstrap: " +
                $"{string.Join(", ", image.Layers.Select(l => ByteSize.Format(l.Size)))} gzipped) as an OCI layout in {layout} (manifest {image.Manifest.Digest}).");
            say(LogLevel.Information, $"{name}: the layers go on {options.BaseImage}, whose layers the deploy copies beneath them as it pushes " +
                "the image; the template takes the pushed image's URI as the ImageUri parameter.");
        }

        var deployment = new FunctionDeployment(settings, options, plan, environment, hash, modelName);
        var template = CloudFormationTemplate.Build(deployment);
        var jsonPath = Path.Combine(output, $"{name}.template.json");
        var yamlPath = Path.Combine(output, $"{name}.template.yaml");
        await File.WriteAllTextAsync(jsonPath, TemplateWriter.ToJson(template), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(yamlPath, TemplateWriter.ToYaml(template), cancellationToken).ConfigureAwait(false);
        say(LogLevel.Information, $"{name}: wrote {jsonPath} and {yamlPath}.");
        return new PublishResult(deployment, zipPath, image, jsonPath, yamlPath);
    }
}
