using System.Net;
using Amazon.Runtime;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.Hosting.Deploy.Image;

namespace LlamaAspire.Deploy.Tests;

/// <summary>An image deploy: the image pushed to Debian's docker-registry (in ECR's place) and the stack to the
/// CloudFormation stand-in; destroy deletes both.</summary>
public sealed class ImageDeployStandInTests(LocalRegistry registry) : IClassFixture<LocalRegistry>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deploy-image-").FullName;
    private readonly CloudFormationStandIn _standIn = new();
    private readonly HttpClient _http = new();
    private readonly List<string> _said = [];

    public void Dispose()
    {
        _http.Dispose();
        _standIn.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private FunctionDeployer Deployer() => new(
        new DeployTarget(
            CloudFormationStandIn.Region,
            () => new ImmutableCredentials(CloudFormationStandIn.AccessKey, CloudFormationStandIn.SecretKey, null),
            _standIn.Endpoint,
            S3ServiceUrl: null,
            ArtifactBucket: null,
            EcrEndpoint: new Uri("http://127.0.0.1:9/"), // not called: the registry is configured
            registry.Address,
            "image-",
            Yes: true,
            TimeSpan.FromMilliseconds(10),
            Path.Combine(_directory, "state")),
        _http,
        _said.Add,
        (_, _) => Task.FromResult(true));

    [RegistryFact]
    public async Task Stand_in_an_image_deploy_pushes_the_image_deploys_the_stack_with_its_digest_and_destroy_deletes_the_tag()
    {
        var deployment = Deployments.Image();
        var image = await OciImageWriter.WriteAsync(OciImageTests.Plan(_directory), LambdaArchitecture.X64, Path.Combine(_directory, "llama.oci"), CancellationToken.None);
        var template = Path.Combine(_directory, "llama.template.json");
        await File.WriteAllTextAsync(template, TemplateWriter.ToJson(CloudFormationTemplate.Build(deployment)));

        var record = await Deployer().DeployAsync(new PublishResult(deployment, null, image, template, template), CancellationToken.None);

        var expected = $"{registry.Authority}/llamaaspire/llama@{image.Manifest.Digest}";
        Assert.Equal(expected, record.ImageUri);
        var changeSet = _standIn.Calls.Single(c => c.Action == "CreateChangeSet").Form;
        Assert.Equal("ImageUri", changeSet["Parameters.member.1.ParameterKey"]);
        Assert.Equal(expected, changeSet["Parameters.member.1.ParameterValue"]);
        Assert.Equal("CREATE_COMPLETE", _standIn.StatusOf("image-llama"));
        Assert.Equal(HttpStatusCode.OK, await ManifestStatusAsync(deployment.CodeSha256));

        var removed = await Deployer().DestroyAsync("llama", CancellationToken.None);

        Assert.Equal(["stack image-llama", $"{registry.Authority}/llamaaspire/llama:{deployment.CodeSha256}"], removed);
        Assert.Null(_standIn.StatusOf("image-llama"));
        Assert.Equal(HttpStatusCode.NotFound, await ManifestStatusAsync(deployment.CodeSha256));
        Assert.Empty(_standIn.SignatureFailures);
    }

    private async Task<HttpStatusCode> ManifestStatusAsync(string tag)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(registry.Address, $"/v2/llamaaspire/llama/manifests/{tag}"));
        head.Headers.Accept.ParseAdd(OciMediaTypes.Manifest);
        using var response = await _http.SendAsync(head);
        return response.StatusCode;
    }
}
