using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace LlamaAspire.LoadGen.Aws;

/// <summary>
/// Credentials and region from AWS's standard chain, as the AWS CLI finds them: with <c>--profile</c>, that profile of
/// <c>~/.aws/credentials</c> / <c>~/.aws/config</c> (static keys, SSO, assume-role, process); without it, the environment
/// (<c>AWS_ACCESS_KEY_ID</c> …, <c>AWS_PROFILE</c>), the default profile, web identity, the container or instance role.
/// </summary>
public sealed class AwsAccount
{
    private readonly AWSCredentials _credentials;

    private AwsAccount(AWSCredentials credentials, string region)
    {
        _credentials = credentials;
        Region = region;
    }

    /// <summary>The region requests are signed for and sent to.</summary>
    public string Region { get; }

    /// <summary>The current credentials (the SDK refreshes temporary ones, SSO's included).</summary>
    public async ValueTask<ImmutableCredentials> CredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw new AwsSetupException($"The AWS credentials could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>Finds credentials and the region, or says what is missing and how to provide it.</summary>
    public static async Task<AwsAccount> ResolveAsync(string? profile, string? region, CancellationToken cancellationToken)
    {
        AWSCredentials credentials;
        string? profileRegion = null;
        if (profile is not null)
        {
            var store = new CredentialProfileStoreChain();
            if (!store.TryGetProfile(profile, out var found))
            {
                throw new AwsSetupException($"--profile '{profile}': no such profile in ~/.aws/credentials or ~/.aws/config (or the files AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE name).");
            }

            if (!store.TryGetAWSCredentials(profile, out credentials))
            {
                throw new AwsSetupException($"--profile '{profile}' has no usable credentials (keys, sso_session, role_arn or credential_process).");
            }

            profileRegion = found.Region?.SystemName;
        }
        else
        {
            try
            {
                credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonClientException ex)
            {
                throw new AwsSetupException(
                    "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or pass --profile NAME "
                    + $"(for SSO, `aws sso login --profile NAME` first). The SDK said: {ex.Message}", ex);
            }
        }

        var resolvedRegion = region ?? profileRegion ?? FallbackRegionFactory.GetRegionEndpoint()?.SystemName
            ?? throw new AwsSetupException("No AWS region: pass --region (e.g. us-east-1), set AWS_REGION, or give the profile a region.");
        var account = new AwsAccount(credentials, resolvedRegion);
        _ = await account.CredentialsAsync(cancellationToken).ConfigureAwait(false); // an SSO token that expired fails here, before any traffic
        return account;
    }
}
