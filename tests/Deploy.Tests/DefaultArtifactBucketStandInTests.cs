using Amazon.Runtime;
using LlamaAspire.Hosting.Deploy;
using Microsoft.Extensions.Configuration;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The default artifact bucket, <c>llamaaspire-artifacts-{account}-{region}</c>, with the account from a stand-in of
/// STS's GetCallerIdentity (AWS cannot be reached here).</summary>
public sealed class DefaultArtifactBucketStandInTests : IDisposable
{
    private readonly StsStandIn _sts = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _sts.Dispose();
    }

    private StsClient Client(string secret = CloudFormationStandIn.SecretKey) =>
        new(_http, _sts.Endpoint, CloudFormationStandIn.Region, () => new ImmutableCredentials(CloudFormationStandIn.AccessKey, secret, null));

    private static DeployTarget Read(params (string Key, string Value)[] values) => DeployTarget.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create($"Deploy:{v.Key}", (string?)v.Value))).Build(),
        "/state");

    [Fact]
    public async Task Stand_in_GetCallerIdentity_is_signed_for_sts_and_answers_the_account()
    {
        Assert.Equal(StsStandIn.AccountId, await Client().GetAccountIdAsync(CancellationToken.None));

        Assert.Equal(["GetCallerIdentity"], _sts.Calls);
        Assert.Empty(_sts.SignatureFailures);
    }

    [Fact]
    public async Task Stand_in_a_wrong_secret_fails_with_the_services_error_code()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Client("not-the-secret").GetAccountIdAsync(CancellationToken.None));

        Assert.StartsWith("STS GetCallerIdentity failed: SignatureDoesNotMatch: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_bucket_is_named_by_account_and_region_and_STS_is_regional_unless_configured()
    {
        var target = Read(("Region", "eu-west-1"));

        Assert.Equal("llamaaspire-artifacts-123456789012-eu-west-1", target.DefaultArtifactBucket("123456789012"));
        Assert.Null(target.ArtifactBucket);
        Assert.Null(target.AccountId);
        Assert.Equal(new Uri("https://sts.eu-west-1.amazonaws.com/"), target.StsEndpoint);
        Assert.Equal("210987654321", Read(("Region", "eu-west-1"), ("AccountId", "210987654321")).AccountId);
    }

    [Fact]
    public void An_account_id_that_is_not_12_digits_is_refused_naming_its_key()
    {
        var refused = Assert.Throws<DeployRefusedException>(() => Read(("Region", "us-east-1"), ("AccountId", "12345")));

        Assert.Equal(["Deploy:AccountId must be a 12-digit AWS account id, not '12345'."], refused.Reasons);
    }
}
