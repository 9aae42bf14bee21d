using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace LlamaAspire.Deploy.Tests;

/// <summary>
/// Runs against real AWS when AWS's credential chain (environment, profiles, SSO) gives credentials and a region; otherwise
/// skipped, saying so — never passed without having run.
/// </summary>
public sealed class LiveAwsFactAttribute : FactAttribute
{
    public LiveAwsFactAttribute()
    {
        Skip = Missing();
    }

    /// <summary>Why the live test cannot run here, or null when it can.</summary>
    public static string? Missing()
    {
        try
        {
            DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();
        }
        catch (AmazonClientException ex)
        {
            // The SDK's message lists every provider it tried; its first line says enough.
            return $"Live AWS smoke test: no AWS credentials in the standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO): {ex.Message.Split('\n')[0].Trim()}";
        }

        return FallbackRegionFactory.GetRegionEndpoint() is null
            ? "Live AWS smoke test: AWS credentials but no region (set AWS_REGION or a profile's region)."
            : null;
    }
}
