using System.Globalization;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Configuration;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// Where and how deploy and destroy talk to AWS, from the AppHost's configuration section <c>Deploy</c> (so
/// <c>--Deploy:Yes true</c> on the command line, <c>Deploy__Yes=true</c> in the environment, or appsettings.json). The
/// credentials and, unless <c>Deploy:Region</c> names one, the region come from AWS's usual chain (environment, profiles, SSO).
/// The endpoints are AWS's regional ones unless configured (an S3-compatible server, a CloudFormation or STS stand-in, a
/// registry). A Zip deploys from <c>Deploy:ArtifactBucket</c>, else from the account's default bucket in the region.
/// </summary>
internal sealed record DeployTarget(
    string Region,
    Func<ImmutableCredentials> Credentials,
    Uri CloudFormationEndpoint,
    string? S3ServiceUrl,
    string? ArtifactBucket,
    Uri StsEndpoint,
    string? AccountId,
    Uri EcrEndpoint,
    Uri? Registry,
    string StackPrefix,
    bool Yes,
    TimeSpan PollInterval,
    string StateDirectory)
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Deploy";

    /// <summary>The key that confirms a change set without asking.</summary>
    public const string YesKey = $"{Section}:Yes";

    /// <summary>The key naming the S3 bucket Zip packages deploy from.</summary>
    public const string ArtifactBucketKey = $"{Section}:ArtifactBucket";

    /// <summary>The key naming the account id, which then is not asked of STS (it names the default artifact bucket).</summary>
    public const string AccountIdKey = $"{Section}:AccountId";

    /// <summary>The default artifact bucket is <c>{DefaultArtifactBucketPrefix}{account}-{region}</c>, as SAM's and CDK's
    /// buckets are named by account and region: S3 bucket names are global, and a Zip must be in the function's region.</summary>
    public const string DefaultArtifactBucketPrefix = "llamaaspire-artifacts-";

    /// <summary>The default artifact bucket of <paramref name="accountId"/> in this region.</summary>
    public string DefaultArtifactBucket(string accountId) => $"{DefaultArtifactBucketPrefix}{accountId}-{Region}";

    /// <summary>Stacks are named <c>{StackPrefix}{function}</c> unless <c>Deploy:StackPrefix</c> says otherwise.</summary>
    public const string DefaultStackPrefix = "llamaaspire-";

    /// <summary>The stack a function deploys as.</summary>
    public string StackName(string functionName) => StackPrefix + functionName;

    /// <summary>The function's deployment record (its stack's outputs and what was uploaded), read by destroy and the dashboard.</summary>
    public string StatePath(string functionName) => Path.Combine(StateDirectory, $"{functionName}.deployment.json");

    /// <summary>Reads the section; a value that cannot be used is refused by key.</summary>
    public static DeployTarget FromConfiguration(IConfiguration configuration, string defaultStateDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var region = section["Region"] is { Length: > 0 } configured
            ? configured
            : FallbackRegionFactory.GetRegionEndpoint()?.SystemName
                ?? throw new DeployRefusedException([$"No AWS region: set AWS_REGION, a profile's region, or {Section}:Region."]);

        return new DeployTarget(
            region,
            ResolveCredentials,
            Endpoint(section, "CloudFormationEndpoint") ?? CloudFormation.CloudFormationClient.RegionalEndpoint(region),
            Endpoint(section, "S3ServiceUrl")?.ToString(),
            section["ArtifactBucket"] is { Length: > 0 } bucket ? bucket : null,
            Endpoint(section, "StsEndpoint") ?? StsClient.RegionalEndpoint(region),
            ReadAccountId(section),
            Endpoint(section, "EcrEndpoint") ?? Image.EcrClient.RegionalEndpoint(region),
            Endpoint(section, "Registry"),
            section["StackPrefix"] ?? DefaultStackPrefix,
            Flag(section, "Yes"),
            TimeSpan.FromSeconds(Number(section, "PollSeconds", 5)),
            section["StateDirectory"] is { Length: > 0 } state ? Path.GetFullPath(state) : defaultStateDirectory);
    }

    private static ImmutableCredentials ResolveCredentials()
    {
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();
        }
        catch (AmazonClientException ex)
        {
            throw new DeployRefusedException([$"No AWS credentials: {ex.Message} (AWS's chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, `aws sso login`)."]);
        }
    }

    private static string? ReadAccountId(IConfigurationSection section) =>
        section["AccountId"] is not { Length: > 0 } value ? null
        : value.Length == 12 && value.All(char.IsAsciiDigit) ? value
        : throw new DeployRefusedException([$"{AccountIdKey} must be a 12-digit AWS account id, not '{value}'."]);

    private static Uri? Endpoint(IConfigurationSection section, string key) =>
        section[key] is not { Length: > 0 } value ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : throw new DeployRefusedException([$"{Section}:{key} must be an http(s) URL, not '{value}'."]);

    private static bool Flag(IConfigurationSection section, string key) =>
        section[key] is not { Length: > 0 } value ? false
        : bool.TryParse(value, out var flag) ? flag
        : throw new DeployRefusedException([$"{Section}:{key} must be true or false, not '{value}'."]);

    private static double Number(IConfigurationSection section, string key, double fallback) =>
        section[key] is not { Length: > 0 } value ? fallback
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0 ? number
        : throw new DeployRefusedException([$"{Section}:{key} must be a positive number of seconds, not '{value}'."]);
}
