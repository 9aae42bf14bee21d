using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using LlamaAspire.Hosting.Deploy.CloudFormation;

namespace LlamaAspire.Deploy.Tests;

/// <summary>
/// The tiny model's <c>llama-aot</c> deployed to real AWS through the product AppHost, invoked through its IAM-authenticated
/// function URL (SigV4), and destroyed. Runs only where AWS credentials and a region are configured
/// (<see cref="LiveAwsFactAttribute"/>); the artifact bucket is <c>LLAMAASPIRE_LIVE_BUCKET</c>, else one named after the
/// access key and region. It creates real, billed resources for a few minutes and deletes them again.
/// </summary>
[Collection(AppHostPipelineCollection.Name)]
public sealed class LiveAwsSmokeTests
{
    private const string StackPrefix = "llamaaspire-smoke-";

    [LiveAwsFact]
    public async Task Live_deploy_invoke_through_the_function_url_and_destroy()
    {
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();
        var region = FallbackRegionFactory.GetRegionEndpoint()!.SystemName;
        // The account's default bucket (its id from STS) unless one is named.
        string[] bucket = Environment.GetEnvironmentVariable("LLAMAASPIRE_LIVE_BUCKET") is { Length: > 0 } configured
            ? ["--Deploy:ArtifactBucket", configured]
            : [];
        var output = Directory.CreateTempSubdirectory("deploy-live-").FullName;
        string[] arguments = ["--Deploy:Yes", "true", "--Deploy:Region", region, .. bucket,
            "--Deploy:StackPrefix", StackPrefix, "--Deploy:StateDirectory", Path.Combine(output, "state")];
        try
        {
            var deployed = await AppHostPublish.RunAsync("deploy-llama-aot", output, arguments);
            Assert.True(deployed.ExitCode == 0, deployed.Output);
            var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "state", "llama-aot.deployment.json"))).RootElement;
            var url = new Uri(record.GetProperty("outputs").GetProperty("FunctionUrl").GetString()!);

            // The URL's auth is AWS_IAM: a SigV4-signed POST for the lambda service.
            var body = Encoding.UTF8.GetBytes("""{"prompt":"The capital of France is","max_tokens":4}""");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            AwsQuerySigner.Sign(request, body, "application/json", null, credentials, region, "lambda", DateTime.UtcNow);
            using var response = await http.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {answer}");
            Assert.NotEmpty(answer);
        }
        finally
        {
            var destroyed = await AppHostPublish.RunAsync("destroy-llama-aot", output, arguments);
            Directory.Delete(output, recursive: true);
            Assert.True(destroyed.ExitCode == 0, destroyed.Output);
        }
    }
}
