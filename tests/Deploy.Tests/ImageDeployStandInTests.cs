using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.Hosting.Deploy.Image;

namespace LlamaAspire.Deploy.Tests;

/// <summary>An image deploy: the image pushed on its base image to Debian's docker-registry (in ECR's place) and the stack
/// to the CloudFormation stand-in; destroy deletes both. The base lives in a second docker-registry (public.ecr.aws's
/// place), or in the same one.</summary>
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

    /// <summary>A deployer pushing to <see cref="registry"/> directly, or through ECR's API when <paramref name="ecr"/> is given.</summary>
    private FunctionDeployer Deployer(EcrStandIn? ecr = null) => new(
        new DeployTarget(
            CloudFormationStandIn.Region,
            () => new ImmutableCredentials(CloudFormationStandIn.AccessKey, CloudFormationStandIn.SecretKey, null),
            _standIn.Endpoint,
            S3ServiceUrl: null,
            ArtifactBucket: null,
            StsEndpoint: new Uri("http://127.0.0.1:9/"), // an image needs no bucket, so no account id
            AccountId: null,
            EcrEndpoint: ecr?.Endpoint ?? new Uri("http://127.0.0.1:9/"), // not called when the registry is configured
            ecr is null ? registry.Address : null,
            "image-",
            Yes: true,
            TimeSpan.FromMilliseconds(10),
            Path.Combine(_directory, "state")),
        _http,
        _said.Add,
        (_, _) => Task.FromResult(true));

    /// <summary>A one-layer base image (an <c>etc/os-release</c>) pushed to <paramref name="to"/> as <paramref name="repository"/>:al2023.</summary>
    private async Task<OciImage> PushBaseAsync(LocalRegistry to, string repository)
    {
        var file = Path.Combine(_directory, "base-in", "os-release");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\n");
        var plan = PackagePlan.Choose([PackageFile.From(file, "os-release", PackageLayer.Model)]);
        var image = await OciImageWriter.WriteAsync(plan, LambdaArchitecture.X64, Path.Combine(_directory, $"base-{repository.Replace('/', '-')}.oci"), CancellationToken.None);
        using var http = new HttpClient();
        await new OciRegistryClient(http, to.Address).PushAsync(image, repository, "al2023", CancellationToken.None);
        return image;
    }

    [RegistryFact]
    public async Task Stand_in_an_image_deploy_pushes_the_image_on_its_base_deploys_the_stack_with_its_digest_and_destroy_deletes_the_tag()
    {
        var baseRegistry = new LocalRegistry();
        await baseRegistry.InitializeAsync();
        try
        {
            await DeployAndDestroyOnBaseAsync(baseRegistry);
        }
        finally
        {
            await baseRegistry.DisposeAsync();
        }
    }

    [RegistryFact]
    public async Task A_base_image_in_the_same_registry_is_mounted_not_uploaded_and_its_layers_stay_beneath_ours()
    {
        var baseImage = await PushBaseAsync(registry, "base/provided");
        var image = await OciImageWriter.WriteAsync(OciImageTests.Plan(_directory), LambdaArchitecture.X64, Path.Combine(_directory, "llama.oci"), CancellationToken.None);
        var baseName = ImageReference.Parse($"{registry.Authority}/base/provided:al2023");
        var client = new OciRegistryClient(_http, registry.Address);

        var digest = await client.PushOnBaseAsync(image, new BaseImageReader(_http, baseName), baseName, "mounted/llama", "v1", CancellationToken.None);

        var inspected = JsonDocument.Parse(await RegistryPushTests.SkopeoAsync("inspect", "--tls-verify=false", $"docker://{registry.Authority}/mounted/llama:v1")).RootElement;
        Assert.Equal(digest, inspected.GetProperty("Digest").GetString());
        Assert.Equal(baseImage.Layers.Concat(image.Layers).Select(l => l.Digest), inspected.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        var config = JsonDocument.Parse(await RegistryPushTests.SkopeoAsync("inspect", "--config", "--tls-verify=false", $"docker://{registry.Authority}/mounted/llama:v1")).RootElement;
        Assert.Equal(baseImage.DiffIds.Concat(image.DiffIds), config.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("/var/runtime/bootstrap", config.GetProperty("config").GetProperty("Entrypoint")[0].GetString());
    }

    [RegistryFact]
    public async Task Stand_in_through_ECR_the_deploy_takes_the_registry_and_token_from_GetAuthorizationToken_creates_the_repository_once_and_destroy_deletes_the_tag()
    {
        using var ecr = new EcrStandIn(registry.Address);
        await PushBaseAsync(registry, "base/ecr");
        var deployment = Deployments.Image(new LambdaDeployAnnotation { BaseImage = $"{registry.Authority}/base/ecr:al2023" });
        var image = await OciImageWriter.WriteAsync(OciImageTests.Plan(_directory), LambdaArchitecture.X64, Path.Combine(_directory, "llama.oci"), CancellationToken.None);
        var template = Path.Combine(_directory, "llama.template.json");
        await File.WriteAllTextAsync(template, TemplateWriter.ToJson(CloudFormationTemplate.Build(deployment)));
        var published = new PublishResult(deployment, null, image, template, template);

        var record = await Deployer(ecr).DeployAsync(published, CancellationToken.None);
        var again = await Deployer(ecr).DeployAsync(published, CancellationToken.None);

        Assert.StartsWith($"{registry.Authority}/llamaaspire/llama@sha256:", record.ImageUri, StringComparison.Ordinal);
        Assert.Equal(record.ImageUri, again.ImageUri);
        Assert.Equal(["GetAuthorizationToken", "CreateRepository", "GetAuthorizationToken", "CreateRepository"], ecr.Calls.Select(c => c.Operation));
        Assert.All(ecr.Calls.Where(c => c.Operation == "CreateRepository"), c => Assert.Equal("llamaaspire/llama", (string?)c.Input["repositoryName"]));
        Assert.Single(_said, s => s == "Created the ECR repository llamaaspire/llama.");

        var removed = await Deployer(ecr).DestroyAsync("llama", CancellationToken.None);

        var delete = Assert.Single(ecr.Calls, c => c.Operation == "BatchDeleteImage").Input;
        Assert.Equal("llamaaspire/llama", (string?)delete["repositoryName"]);
        Assert.Equal(deployment.CodeSha256, (string?)delete["imageIds"]![0]!["imageTag"]);
        Assert.Contains($"{registry.Authority}/llamaaspire/llama:{deployment.CodeSha256}", removed);
        Assert.Empty(ecr.Failures);
        Assert.Empty(_standIn.SignatureFailures);
    }

    private async Task DeployAndDestroyOnBaseAsync(LocalRegistry baseRegistry)
    {
        var baseImage = await PushBaseAsync(baseRegistry, "lambda/provided");
        var deployment = Deployments.Image(new LambdaDeployAnnotation { BaseImage = $"{baseRegistry.Authority}/lambda/provided:al2023" });
        var image = await OciImageWriter.WriteAsync(OciImageTests.Plan(_directory), LambdaArchitecture.X64, Path.Combine(_directory, "llama.oci"), CancellationToken.None);
        var template = Path.Combine(_directory, "llama.template.json");
        await File.WriteAllTextAsync(template, TemplateWriter.ToJson(CloudFormationTemplate.Build(deployment)));

        var record = await Deployer().DeployAsync(new PublishResult(deployment, null, image, template, template), CancellationToken.None);

        var reference = $"docker://{registry.Authority}/llamaaspire/llama:{deployment.CodeSha256}";
        var inspected = JsonDocument.Parse(await RegistryPushTests.SkopeoAsync("inspect", "--tls-verify=false", reference)).RootElement;
        var expected = $"{registry.Authority}/llamaaspire/llama@{inspected.GetProperty("Digest").GetString()}";
        Assert.Equal(expected, record.ImageUri);
        Assert.Equal(baseImage.Layers.Concat(image.Layers).Select(l => l.Digest), inspected.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
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
