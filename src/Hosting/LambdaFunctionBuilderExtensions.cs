using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Management;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.Hosting;

/// <summary>Adds Lambda functions to the emulator and sets their configuration.</summary>
public static class LambdaFunctionBuilderExtensions
{
    /// <summary>The resource type shown on the dashboard.</summary>
    public const string ResourceType = "LambdaFunction";

    /// <summary>The name of the "Force cold start" command.</summary>
    public const string ForceColdStartCommand = "lambda-force-cold-start";

    /// <summary>The name of the "Invoke sample prompt" command.</summary>
    public const string InvokeSampleCommand = "lambda-invoke-sample";

    /// <summary>The name of the "Shut down idle environments" command.</summary>
    public const string ShutdownIdleCommand = "lambda-shutdown-idle";

    /// <summary>The payload the "Invoke sample prompt" command sends unless <see cref="WithSamplePayload"/> says otherwise.</summary>
    public const string DefaultSamplePayload = """{"prompt":"The capital of France is","max_tokens":16}""";

    /// <summary>
    /// Adds a Lambda function built from <typeparamref name="TProject"/> to the emulator added by
    /// <see cref="LambdaEmulatorBuilderExtensions.AddLambdaEmulator"/>, adding a default emulator (<c>lambda</c>) if there is none.
    /// By default the function runs the project's JIT build output (<c>dotnet {assembly}.dll</c>); see <see cref="WithNativeAot"/>.
    /// </summary>
    /// <typeparam name="TProject">The function's project metadata (<c>Projects.*</c>).</typeparam>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name, which is also the Lambda function name.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> AddLambdaFunction<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var emulator = builder.Resources.OfType<LambdaEmulatorResource>().FirstOrDefault()
                       ?? builder.AddLambdaEmulator().Resource;
        return AddFunction(builder, emulator, name, new TProject().ProjectPath);
    }

    /// <summary>Adds a Lambda function built from <typeparamref name="TProject"/> to this emulator.</summary>
    /// <typeparam name="TProject">The function's project metadata (<c>Projects.*</c>).</typeparam>
    /// <param name="emulator">The emulator resource builder.</param>
    /// <param name="name">The resource name, which is also the Lambda function name.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> AddLambdaFunction<TProject>(this IResourceBuilder<LambdaEmulatorResource> emulator, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return AddFunction(emulator.ApplicationBuilder, emulator.Resource, name, new TProject().ProjectPath);
    }

    private static IResourceBuilder<LambdaFunctionResource> AddFunction(IDistributedApplicationBuilder builder, LambdaEmulatorResource emulator, string name, string projectPath)
    {
        if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"'{name}' is not a valid Lambda function name (1–64 letters, digits, '-' or '_').", nameof(name));
        }

        var function = new LambdaFunctionResource(name, emulator, projectPath);
        var resource = builder.AddResource(function)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ResourceType,
                State = KnownResourceStates.Waiting,
                Properties = [new("lambda.function", name) { DisplayName = "Function" }, new(CustomResourceKnownProperties.Source, projectPath)],
            })
            .WithIconName("Flash")
            .WithAnnotation(new LambdaBuildAnnotation(LambdaBuildKind.Jit))
            .WithManifestPublishingCallback(context => LambdaFunctionManifest.WriteAsync(context, function))
            .WithCloudFormationPublish();

        emulator.AddFunction(function);

        resource.WithCommand(ForceColdStartCommand, "Force cold start",
            context => PostManagementAsync(context, function, ManagementApi.RecycleCommand, "Recycled all environments: the next invoke is a cold start."),
            new CommandOptions
            {
                Description = "Shut down every execution environment of this function so the next invoke starts cold.",
                IconName = "ArrowClockwise",
                IsHighlighted = true,
                UpdateState = EnabledWhenRunning,
            });

        resource.WithCommand(InvokeSampleCommand, "Invoke sample prompt",
            context => InvokeSampleAsync(context, function),
            new CommandOptions
            {
                Description = "Invoke the function through the emulator's Invoke API with a small prompt and log the answer.",
                IconName = "Play",
                IsHighlighted = true,
                UpdateState = EnabledWhenRunning,
            });

        resource.WithCommand(ShutdownIdleCommand, "Shut down idle environments",
            context => PostManagementAsync(context, function, ManagementApi.ShutdownIdleCommand, "Shut down the idle environments."),
            new CommandOptions
            {
                Description = "Shut down the environments that are not serving an invoke, as the idle timeout would.",
                IconName = "Sleep",
                UpdateState = EnabledWhenRunning,
            });

        return resource;
    }

    /// <summary>Sets the function's memory size (128–10,240 MB), which also sets its vCPU share (1,769 MB = 1 vCPU).</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="megaBytes">The memory size in MB.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithMemorySize(this IResourceBuilder<LambdaFunctionResource> builder, int megaBytes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(megaBytes, LambdaLimits.MinMemoryMb);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(megaBytes, LambdaLimits.MaxMemoryMb);
        return builder.WithAnnotation(new LambdaMemorySizeAnnotation(megaBytes), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Sets the function's timeout (1–900 s); an invoke that runs longer kills its environment.</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="timeout">The timeout.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithTimeout(this IResourceBuilder<LambdaFunctionResource> builder, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromSeconds(LambdaLimits.MaxTimeoutSeconds));
        return builder.WithAnnotation(new LambdaTimeoutAnnotation(timeout), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Sets the function's architecture (x86_64 by default, or arm64); deployments build and pick the bootstrap for it.</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="architecture">The architecture.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithArchitecture(this IResourceBuilder<LambdaFunctionResource> builder, LambdaArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new LambdaArchitectureAnnotation(architecture), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Sets the function's ephemeral storage (<c>/tmp</c>), 512–10,240 MB.</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="megaBytes">The size in MB.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithEphemeralStorage(this IResourceBuilder<LambdaFunctionResource> builder, int megaBytes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(megaBytes, LambdaFunctionSettings.DefaultEphemeralStorageMb);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(megaBytes, LambdaLimits.MaxMemoryMb);
        return builder.WithAnnotation(new LambdaEphemeralStorageAnnotation(megaBytes), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Sets the function's reserved concurrency: invokes beyond it are throttled (429).</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="limit">The most environments at once (0 throttles every invoke).</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithReservedConcurrency(this IResourceBuilder<LambdaFunctionResource> builder, int limit)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return builder.WithAnnotation(new LambdaReservedConcurrencyAnnotation(limit), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Sets the function's provisioned concurrency: <paramref name="count"/> environments initialized ahead of traffic
    /// (<c>AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency</c>) and kept warm; invokes beyond them cold-start on demand.
    /// With a reserved concurrency, it must not exceed it (the emulator refuses to start otherwise, as Lambda refuses the setting,
    /// and so does the publish step). Deployed, it is the alias's provisioned concurrency (billed while configured).
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="count">How many environments (0: none).</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithProvisionedConcurrency(this IResourceBuilder<LambdaFunctionResource> builder, int count)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        // One setting for both places it applies: the emulator's environments and the deployed alias.
        return builder.WithAnnotation(new LambdaProvisionedConcurrencyAnnotation(count), ResourceAnnotationMutationBehavior.Replace)
            .WithDeployOptions(o => o with { ProvisionedConcurrency = count == 0 ? null : count });
    }

    /// <summary>Sets how long an unused environment stays warm; after it the next invoke is a cold start.</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="idleTimeout">The idle timeout (at least one second).</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithIdleTimeout(this IResourceBuilder<LambdaFunctionResource> builder, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(idleTimeout, TimeSpan.FromSeconds(1));
        return builder.WithAnnotation(new LambdaIdleTimeoutAnnotation(idleTimeout), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Sets the JSON payload of the dashboard's "Invoke sample prompt" command.</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="json">The payload.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithSamplePayload(this IResourceBuilder<LambdaFunctionResource> builder, string json)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        return builder.WithAnnotation(new LambdaSamplePayloadAnnotation(json), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Runs the function as a Native AOT <c>bootstrap</c>, as on Lambda's <c>provided.al2023</c> runtime. A
    /// <c>{name}-publish</c> resource runs <c>dotnet publish -c Release -r {rid}</c> into
    /// <c>artifacts/apphost/{name}/publish</c> (its own <c>--artifacts-path</c>, so it never shares <c>obj/</c> with the
    /// JIT build) and the emulator waits for it to complete.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="runtimeIdentifier">The runtime identifier to publish for.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithNativeAot(this IResourceBuilder<LambdaFunctionResource> builder, string runtimeIdentifier = "linux-x64")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeIdentifier);

        var function = builder.Resource;
        if (function.TryGetLastAnnotation<LambdaBuildAnnotation>(out var existing) && existing.Kind == LambdaBuildKind.NativeAot)
        {
            return builder;
        }

        var app = builder.ApplicationBuilder;
        var root = LambdaPaths.RepositoryRoot(app.AppHostDirectory);
        var artifacts = Path.Combine(root, "artifacts", "apphost", function.Name);
        var publishDirectory = Path.Combine(artifacts, "publish");

        var publish = app.AddExecutable($"{function.Name}-publish", "dotnet", root,
                "publish", function.ProjectPath, "-c", "Release", "-r", runtimeIdentifier, "-p:PublishAot=true",
                "--artifacts-path", artifacts, "-o", publishDirectory, "-nologo")
            .WithEnvironment("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            .WithEnvironment("DOTNET_NOLOGO", "1")
            .WithParentRelationship(builder)
            .WithIconName("Wrench")
            .ExcludeFromManifest();

        builder.WithAnnotation(new LambdaBuildAnnotation(LambdaBuildKind.NativeAot, publishDirectory, publish.Resource), ResourceAnnotationMutationBehavior.Replace);
        return builder.WaitForCompletion(publish);
    }

    /// <summary>
    /// Gives the function a model: <c>MODEL_DIR</c> points at the model's directory, and the function (so its emulator)
    /// waits for the model build to complete.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="model">The model resource.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithModel(this IResourceBuilder<LambdaFunctionResource> builder, IResourceBuilder<LlamaModelResource> model)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(model);
        return builder.WithAnnotation(new LambdaModelAnnotation(model.Resource), ResourceAnnotationMutationBehavior.Replace)
            .WithEnvironment("MODEL_DIR", model.Resource.ModelDirectory)
            .WithRelationship(model.Resource, "Model")
            .WaitForCompletion(model);
    }

    private static ResourceCommandState EnabledWhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> PostManagementAsync(ExecuteCommandContext context, LambdaFunctionResource function, string command, string success)
    {
        try
        {
            using var client = LambdaEmulatorClient.Create(context.Services, function.Parent, TimeSpan.FromMinutes(1));
            var result = await client.PostCommandAsync(function.Name, command, context.CancellationToken).ConfigureAwait(false);
            context.Logger.LogInformation("{Function}: {Command} → {Environments} environment(s)", function.Name, command, result.Environments);
            return CommandResults.Success(success);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !context.CancellationToken.IsCancellationRequested))
        {
            return CommandResults.Failure(ex.Message);
        }
    }

    private static async Task<ExecuteCommandResult> InvokeSampleAsync(ExecuteCommandContext context, LambdaFunctionResource function)
    {
        var payload = function.TryGetLastAnnotation<LambdaSamplePayloadAnnotation>(out var sample) ? sample.Payload : DefaultSamplePayload;
        var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(function);
        try
        {
            // A cold start of a big model plus generation can take minutes; the function's own timeout bounds it.
            using var client = LambdaEmulatorClient.Create(context.Services, function.Parent, TimeSpan.FromMinutes(15));
            var stopwatch = Stopwatch.StartNew();
            var result = await client.InvokeAsync(function.Name, payload, context.CancellationToken).ConfigureAwait(false);
            stopwatch.Stop();
            foreach (var line in result.Log?.Lines ?? [])
            {
                logger.LogInformation("{Line}", line);
            }

            var cold = result.Log?.Report?.InitDurationMs is { } init ? $", cold start: init {init:F0} ms" : "";
            var summary = $"{function.Name} answered {result.StatusCode} in {stopwatch.ElapsedMilliseconds} ms{cold}";
            logger.LogInformation("Sample prompt {Payload}: {Summary}: {Body}", payload, summary, result.Body);
            return result.Succeeded
                ? CommandResults.Success(summary, result.Body, CommandResultFormat.Json)
                : CommandResults.Failure($"{summary} ({result.FunctionError ?? "error"}): {result.Body}");
        }
        catch (Exception ex) when (ex is HttpRequestException or FormatException || (ex is TaskCanceledException && !context.CancellationToken.IsCancellationRequested))
        {
            return CommandResults.Failure(ex.Message);
        }
    }
}
