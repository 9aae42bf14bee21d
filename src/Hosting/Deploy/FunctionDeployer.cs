using Amazon.Runtime;
using Amazon.S3;
using LlamaAspire.Hosting.Deploy.CloudFormation;
using LlamaAspire.Hosting.Deploy.Image;
using Names = LlamaAspire.Hosting.Deploy.CloudFormationTemplate.Names;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// Deploys what the publish step wrote and destroys it again: the zip to the S3 artifact bucket (content-hashed key) or the
/// image to ECR (or a configured registry), then the stack through <see cref="StackDeployer"/>; the outcome is kept as a
/// <see cref="DeploymentRecord"/>. Destroy deletes the stack, then the function's zips and image tag.
/// </summary>
internal sealed class FunctionDeployer(
    DeployTarget target,
    HttpClient http,
    Action<string> say,
    Func<IReadOnlyList<StackChange>, CancellationToken, Task<bool>> confirm)
{
    /// <summary>Uploads the artifact, creates or updates the stack, writes the record and returns it.</summary>
    public async Task<DeploymentRecord> DeployAsync(PublishResult published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(published);
        var name = published.Deployment.Settings.FunctionName;
        var template = await File.ReadAllTextAsync(published.JsonPath, cancellationToken).ConfigureAwait(false);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        string? bucket = null, key = null;
        PushedImage? image = null;
        if (published.ZipPath is { } zip)
        {
            bucket = await ArtifactBucketAsync(cancellationToken).ConfigureAwait(false);
            key = CloudFormationTemplate.ArtifactKeyOf(published.Deployment);
            using var s3 = CreateS3Client();
            await new ArtifactStore(s3, bucket, target.Region, say).UploadAsync(zip, key, cancellationToken).ConfigureAwait(false);
            parameters[Names.ArtifactBucket] = bucket;
            parameters[Names.ArtifactKey] = key;
        }
        else
        {
            var layout = published.Image ?? throw new InvalidOperationException($"The publish of {name} wrote neither a zip nor an image.");
            image = await PushImageAsync(name, layout, ImageReference.Parse(published.Deployment.Options.BaseImage), published.Deployment.CodeSha256, cancellationToken).ConfigureAwait(false);
            parameters[Names.ImageUri] = image.Uri;
        }

        var stackName = target.StackName(name);
        var stack = await new StackDeployer(CloudFormationClient(), say, confirm, target.PollInterval)
            .DeployAsync(stackName, template, parameters, cancellationToken).ConfigureAwait(false);
        var record = new DeploymentRecord(name, target.Region, stackName, stack.Outputs, bucket, key, image?.Uri, image?.Registry.ToString(), image?.Repository, image?.Tag);
        await record.WriteAsync(target.StatePath(name), cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>Deletes the function's stack, then its zips (every key under <c>{function}/</c>) and its image tag, and
    /// the record. Returns what was removed, one line each.</summary>
    public async Task<IReadOnlyList<string>> DestroyAsync(string functionName, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var statePath = target.StatePath(functionName);
        var record = DeploymentRecord.Read(statePath);
        var stackName = record?.StackName ?? target.StackName(functionName);

        // Without a record (lost, or a deploy that failed before writing it) the zips are looked for where a deploy would
        // have put them — resolved first, so a failing STS call leaves the stack as it was.
        var bucket = record is null
            ? target.ArtifactBucket ?? target.DefaultArtifactBucket(await AccountIdAsync(cancellationToken).ConfigureAwait(false))
            : record.ArtifactBucket;
        if (await new StackDeployer(CloudFormationClient(), say, confirm, target.PollInterval).DestroyAsync(stackName, cancellationToken).ConfigureAwait(false))
        {
            removed.Add($"stack {stackName}");
        }

        // The stack is gone before its code is: a stack still pointing at a deleted zip could not roll back.
        if (bucket is not null)
        {
            using var s3 = CreateS3Client();
            var keys = await new ArtifactStore(s3, bucket, target.Region, say).DeletePrefixAsync($"{functionName}/", cancellationToken).ConfigureAwait(false);
            removed.AddRange(keys.Select(k => $"s3://{bucket}/{k}"));
        }

        if (record is { ImageRepository: { } repository, ImageTag: { } tag, Registry: { } registry })
        {
            await DeleteImageAsync(new Uri(registry), repository, tag, cancellationToken).ConfigureAwait(false);
            removed.Add($"{new Uri(registry).Authority}/{repository}:{tag}");
            say($"Deleted the image {new Uri(registry).Authority}/{repository}:{tag}.");
        }

        File.Delete(statePath);
        return removed;
    }

    /// <summary>The configured artifact bucket, else the account's default one in the region; says which and why.</summary>
    private async Task<string> ArtifactBucketAsync(CancellationToken cancellationToken)
    {
        if (target.ArtifactBucket is { } configured)
        {
            say($"Artifact bucket {configured}: named by {DeployTarget.ArtifactBucketKey}.");
            return configured;
        }

        var account = await AccountIdAsync(cancellationToken).ConfigureAwait(false);
        var bucket = target.DefaultArtifactBucket(account);
        say($"Artifact bucket {bucket}: the default for account {account} in {target.Region} ({DeployTarget.ArtifactBucketKey} is not set; " +
            "one bucket per account and region, as SAM and CDK do; created if absent).");
        return bucket;
    }

    /// <summary>The configured account id, else the credentials' account from STS.</summary>
    private async Task<string> AccountIdAsync(CancellationToken cancellationToken)
    {
        if (target.AccountId is { } configured)
        {
            return configured;
        }

        var account = await new StsClient(http, target.StsEndpoint, target.Region, target.Credentials).GetAccountIdAsync(cancellationToken).ConfigureAwait(false);
        say($"Account {account} (STS GetCallerIdentity).");
        return account;
    }

    /// <summary>Images are pushed to the repository <c>llamaaspire/{function}</c>.</summary>
    public const string RepositoryNamespace = "llamaaspire";

    private sealed record PushedImage(Uri Registry, string Repository, string Tag, string Uri);

    private async Task<PushedImage> PushImageAsync(string name, OciImage image, ImageReference baseImage, string tag, CancellationToken cancellationToken)
    {
        var repository = $"{RepositoryNamespace}/{name}";
        var (registry, registryHttp) = await RegistryAsync(cancellationToken).ConfigureAwait(false);
        using (registryHttp)
        {
            if (target.Registry is null && await EcrClient().EnsureRepositoryAsync(repository, cancellationToken).ConfigureAwait(false))
            {
                say($"Created the ECR repository {repository}.");
            }

            // The base is read with the target's credentials when it lives in the same registry (a mount), anonymously otherwise.
            var sameRegistry = baseImage.Registry.Authority == registry.Authority;
            using var baseHttp = sameRegistry ? null : new HttpClient();
            var reader = new BaseImageReader(baseHttp ?? registryHttp, sameRegistry ? baseImage with { Registry = registry } : baseImage);
            var digest = await new OciRegistryClient(registryHttp, registry).PushOnBaseAsync(image, reader, baseImage, repository, tag, cancellationToken).ConfigureAwait(false);
            var uri = $"{registry.Authority}/{repository}@{digest}";
            say($"Pushed the image as {registry.Authority}/{repository}:{tag} on {baseImage} ({uri}).");
            return new PushedImage(registry, repository, tag, uri);
        }
    }

    private async Task DeleteImageAsync(Uri registry, string repository, string tag, CancellationToken cancellationToken)
    {
        if (target.Registry is null)
        {
            await EcrClient().DeleteTagAsync(repository, tag, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var registryHttp = new HttpClient();
        await new OciRegistryClient(registryHttp, registry).DeleteTagAsync(repository, tag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The configured registry (no authentication), else the account's ECR registry with its token.</summary>
    private async Task<(Uri Registry, HttpClient Http)> RegistryAsync(CancellationToken cancellationToken)
    {
        if (target.Registry is { } configured)
        {
            return (configured, new HttpClient());
        }

        var (registry, authorization) = await EcrClient().GetAuthorizationAsync(cancellationToken).ConfigureAwait(false);
        var registryHttp = new HttpClient();
        registryHttp.DefaultRequestHeaders.Authorization = authorization;
        return (registry, registryHttp);
    }

    private CloudFormationClient CloudFormationClient() => new(http, target.CloudFormationEndpoint, target.Region, target.Credentials);

    private EcrClient EcrClient() => new(http, target.EcrEndpoint, target.Region, target.Credentials);

    private AmazonS3Client CreateS3Client()
    {
        var config = new AmazonS3Config { RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(target.Region) };
        if (target.S3ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            config.ForcePathStyle = true;
            // S3-compatible servers predate the SDK's default trailing checksums (aws-chunked bodies): checksums only where required.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            config.AuthenticationRegion = target.Region;
        }

        var credentials = target.Credentials();
        return new AmazonS3Client(credentials.UseToken
            ? new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token)
            : new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey), config);
    }
}
