using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LlamaModel.Storage;

// WithProjectDefaults (evaluation API): the upload step is the ModelBuilder project, run like the model build.
#pragma warning disable ASPIREPROJECTS001

namespace LlamaAspire.Hosting;

/// <summary>Adds s3rver (a local S3) and functions that download their model from it at init.</summary>
public static class S3rverBuilderExtensions
{
    /// <summary>The bucket models are uploaded to.</summary>
    public const string ModelBucket = "llamaaspire-models";

    /// <summary>Where s3rver's npm package is, relative to the repository root.</summary>
    public static readonly string PackageDirectory = Path.Combine("src", "Hosting", "s3rver");

    /// <summary>
    /// The <c>node</c> executable on PATH, or null: s3rver needs Node.js, and a caller without it should leave out what
    /// depends on it (and say so) rather than fail.
    /// </summary>
    public static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "node"))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Adds s3rver on a loopback port, its data under <c>{repository}/.tmp/{name}</c>. Its npm package is installed first
    /// (<c>npm ci</c>, as its own resource) when it is not installed yet.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The s3rver resource builder.</returns>
    public static IResourceBuilder<S3rverResource> AddS3rver(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var root = LambdaPaths.RepositoryRoot(builder.AppHostDirectory);
        var package = Path.Combine(root, PackageDirectory);
        var data = Path.Combine(root, ".tmp", name);
        Directory.CreateDirectory(data);
        var resource = new S3rverResource(name, "node", package, data);
        var s3 = builder.AddResource(resource)
            .WithArgs(Path.Combine("node_modules", "s3rver", "bin", "s3rver.js"), "--directory", data, "--address", "127.0.0.1", "--silent")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.HttpEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHttpEndpoint(name: S3rverResource.HttpEndpointName)
            .WithIconName("Database")
            .ExcludeFromManifest();

        if (!File.Exists(Path.Combine(package, "node_modules", "s3rver", "bin", "s3rver.js")))
        {
            var install = builder.AddExecutable($"{name}-install", "npm", package, "ci", "--no-audit", "--no-fund").ExcludeFromManifest();
            s3.WaitForCompletion(install);
        }

        return s3;
    }

    /// <summary>
    /// The function downloads its model from <paramref name="s3"/> at init (the vanilla way of shipping a model): the model is
    /// uploaded once (<c>llama-model-builder upload … --if-missing</c>, a resource of its own), and the function gets
    /// <c>LLAMA_MODEL_S3_URI</c> and <c>AWS_ENDPOINT_URL_S3</c>. The emulator holds s3rver's credentials, as an execution role
    /// would, and hands them to its environments.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="model">The model to upload.</param>
    /// <param name="s3">Where to put it.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithModelFromS3(this IResourceBuilder<LambdaFunctionResource> builder,
        IResourceBuilder<LlamaModelResource> model, IResourceBuilder<S3rverResource> s3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(s3);

        var app = builder.ApplicationBuilder;
        // Keyed by the model's directory name ({preset}[-variant]) too: s3rver keeps its data between runs, and the upload skips
        // a prefix that already holds a model, so another preset must not find this one's files.
        var location = new S3ModelLocation(ModelBucket, $"{model.Resource.Name}/{Path.GetFileName(Path.TrimEndingDirectorySeparator(model.Resource.ModelDirectory))}/");
        var uploadName = $"{model.Resource.Name}-upload";
        var upload = app.Resources.OfType<ProjectResource>().FirstOrDefault(r => r.Name == uploadName) is { } existing
            ? app.CreateResourceBuilder(existing)
            : app.AddResource(new ProjectResource(uploadName))
                .WithAnnotation<IProjectMetadata>(BundledProject.ModelBuilder)
                .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true })
                .WithArgs("upload", model.Resource.ModelDirectory, location.ToString(), "--if-missing")
                .WithS3Client(s3)
                .WithIconName("CloudArrowUp")
                .WaitFor(s3)
                .WaitForCompletion(model)
                .ExcludeFromManifest();

        app.CreateResourceBuilder(builder.Resource.Parent).WithS3Client(s3, endpoint: false);
        return builder.WithAnnotation(new LambdaModelAnnotation(model.Resource), ResourceAnnotationMutationBehavior.Replace)
            .WithAnnotation(new LambdaModelFromS3Annotation(s3.Resource), ResourceAnnotationMutationBehavior.Replace)
            .WithEnvironment(S3ModelStore.ModelUriVariable, location.ToString())
            .WithEnvironment(S3ModelStore.EndpointVariable, s3.Resource.HttpEndpoint)
            .WithRelationship(s3.Resource, "Model store")
            .WaitForCompletion(upload);
    }

    /// <summary>The variables an AWS S3 client needs to use s3rver: its endpoint and its credentials.</summary>
    private static IResourceBuilder<T> WithS3Client<T>(this IResourceBuilder<T> builder, IResourceBuilder<S3rverResource> s3, bool endpoint = true)
        where T : IResourceWithEnvironment
    {
        if (endpoint)
        {
            builder.WithEnvironment(S3ModelStore.EndpointVariable, s3.Resource.HttpEndpoint);
        }

        return builder.WithEnvironment(LambdaEnvironmentVariables.AccessKeyId, S3rverResource.AccessKey)
            .WithEnvironment(LambdaEnvironmentVariables.SecretAccessKey, S3rverResource.SecretKey);
    }
}

/// <summary>The function downloads its model from this S3 at init (<see cref="S3rverBuilderExtensions.WithModelFromS3"/>).</summary>
/// <param name="Store">The S3 server.</param>
public sealed record LambdaModelFromS3Annotation(S3rverResource Store) : IResourceAnnotation;
