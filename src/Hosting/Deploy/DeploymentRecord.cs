using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// What a deploy left on AWS, written beside the other deploy artifacts as <c>{function}.deployment.json</c>: the stack,
/// its outputs and what was uploaded. Destroy reads it to remove the uploads; the dashboard reads it to link the deployed
/// function URL.
/// </summary>
/// <param name="Function">The function's name.</param>
/// <param name="Region">The AWS region.</param>
/// <param name="StackName">The stack.</param>
/// <param name="Outputs">The stack's outputs (FunctionArn, FunctionUrl, AliasArn).</param>
/// <param name="ArtifactBucket">The bucket the zip is in (Zip).</param>
/// <param name="ArtifactKey">The zip's content-hashed key (Zip).</param>
/// <param name="ImageUri">The pushed image, <c>{registry}/{repository}@{digest}</c> (Image).</param>
/// <param name="Registry">The registry it was pushed to (Image): ECR's, or the configured <c>Deploy:Registry</c>.</param>
/// <param name="ImageRepository">Its repository (Image).</param>
/// <param name="ImageTag">The tag it was pushed under (Image).</param>
internal sealed record DeploymentRecord(
    string Function,
    string Region,
    string StackName,
    IReadOnlyDictionary<string, string> Outputs,
    string? ArtifactBucket,
    string? ArtifactKey,
    string? ImageUri,
    string? Registry,
    string? ImageRepository,
    string? ImageTag)
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes the record to <paramref name="path"/>.</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, s_options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The record at <paramref name="path"/>, or null when there is none; a file that is not one is an error naming it.</summary>
    public static DeploymentRecord? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DeploymentRecord>(File.ReadAllText(path), s_options)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a deployment record: {ex.Message}", ex);
        }
    }
}
