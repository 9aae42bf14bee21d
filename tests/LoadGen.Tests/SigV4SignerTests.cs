using Amazon.Runtime;
using LlamaAspire.LoadGen.Aws;
using LlamaAspire.LoadGen.Commands;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The signer against AWS's published Signature Version 4 example, and the canonical forms it builds.</summary>
public sealed class SigV4SignerTests
{
    [Fact]
    public void Signs_AWS_get_vanilla_example_to_its_published_signature()
    {
        // AWS's SigV4 test suite, "get-vanilla": GET / on example.amazonaws.com at 20150830T123600Z, service "service".
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");
        SigV4Signer.Sign(request, [], new ImmutableCredentials(LambdaApiStandIn.AccessKey, LambdaApiStandIn.SecretKey, null), "us-east-1",
            new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc), service: "service");

        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", request.Headers.GetValues("Authorization").Single());
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.False(request.Headers.Contains("X-Amz-Security-Token"));
    }

    [Fact]
    public void Session_credentials_sign_their_token_and_every_x_amz_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9001/2015-03-31/functions/f/invocations")
        {
            Content = new ByteArrayContent("{}"u8.ToArray()) { Headers = { { "Content-Type", "application/json" } } },
        };
        request.Headers.Add("X-Amz-Log-Type", "Tail");
        SigV4Signer.Sign(request, "{}"u8.ToArray(), new ImmutableCredentials("AKID", "secret", "session-token"), "eu-west-1", DateTime.UtcNow);

        Assert.Equal("session-token", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-log-type;x-amz-security-token,",
            request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://h/2015-03-31/functions/llama/invocations", "/2015-03-31/functions/llama/invocations")]
    // A function ARN is escaped once in the path and signed escaped again (every service but S3 encodes the path twice).
    [InlineData("http://h/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A1%3Afunction%3Ax/configuration",
        "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aeu-west-1%253A1%253Afunction%253Ax/configuration")]
    [InlineData("http://h", "/")]
    public void Canonical_path_is_the_sent_path_encoded_again(string uri, string expected) =>
        Assert.Equal(expected, SigV4Signer.CanonicalPath(new Uri(uri)));

    [Fact]
    public void Canonical_query_is_sorted_and_encoded() =>
        Assert.Equal("List=ALL&Qualifier=%24LATEST", SigV4Signer.CanonicalQuery(new Uri("http://h/p?Qualifier=$LATEST&List=ALL")));

    [Theory]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:llama", "eu-west-1")]
    [InlineData("arn:aws:lambda:us-east-2:123456789012:function:llama:live", "us-east-2")]
    [InlineData("llama", null)]
    public void A_function_ARN_names_its_region(string function, string? region) => Assert.Equal(region, Connection.RegionOf(function));
}
