using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using LlamaAspire.Hosting.Deploy;

// Aspire 13's pipeline (steps, reporting, output path) is an evaluation API; it is how `aspire publish` runs this.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004

namespace LlamaAspire.Hosting;

/// <summary>How a function deploys to AWS: its publish step and its deployment options.</summary>
public static class LambdaDeployBuilderExtensions
{
    /// <summary>The retention values CloudWatch Logs accepts (<c>AWS::Logs::LogGroup.RetentionInDays</c>).</summary>
    private static readonly int[] s_retentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>The name of the function's publish step: <c>publish-{name}</c>.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The step name.</returns>
    public static string PublishStepName(this LambdaFunctionResource function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return $"publish-{function.Name}";
    }

    /// <summary>The name of the function's deploy step: <c>deploy-{name}</c>.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The step name.</returns>
    public static string DeployStepName(this LambdaFunctionResource function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return $"deploy-{function.Name}";
    }

    /// <summary>The name of the function's destroy step: <c>destroy-{name}</c>.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The step name.</returns>
    public static string DestroyStepName(this LambdaFunctionResource function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return $"destroy-{function.Name}";
    }

    /// <summary>
    /// Adds the function's publish step to Aspire's pipeline (required by <c>publish</c>): it builds the model and the Native
    /// AOT <c>bootstrap</c> (or, with <see cref="WithManagedRuntime"/>, the executable assembly for <c>dotnet10</c>), chooses
    /// Zip or container image by size, refuses what cannot work on Lambda — what the settings alone rule out before any
    /// build — and writes the package and a CloudFormation template (JSON and YAML) to the output path.
    /// <c>dotnet run --project src/AppHost -- --operation publish --step publish-{name} --output-path DIR</c> runs it alone.
    /// Its deploy step (<c>deploy-{name}</c>, required by <c>deploy</c>) deploys what it wrote as a CloudFormation stack and
    /// its destroy step (<c>destroy-{name}</c>, required by <c>destroy</c>) deletes the stack and the uploads; both are
    /// configured by the <c>Deploy</c> configuration section. In run mode the dashboard links the deployed function URL.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithCloudFormationPublish(this IResourceBuilder<LambdaFunctionResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Resource.TryGetLastAnnotation<CloudFormationPublishAnnotation>(out _))
        {
            return builder;
        }

        var function = builder.Resource;
        builder.WithAnnotation(new CloudFormationPublishAnnotation())
            .WithPipelineStepFactory(_ => CloudFormationPublishStep.Create(function))
            .WithPipelineStepFactory(_ => CloudFormationDeployStep.Create(function))
            .WithPipelineStepFactory(_ => CloudFormationDestroyStep.Create(function));
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            var configuration = builder.ApplicationBuilder.Configuration;
            builder.WithUrls(context =>
            {
                var directory = configuration[$"{DeployTarget.Section}:StateDirectory"] is { Length: > 0 } configured
                    ? Path.GetFullPath(configured)
                    : CloudFormationDeployStep.DefaultStateDirectory(function);
                if (DeploymentRecord.Read(Path.Combine(directory, $"{function.Name}.deployment.json")) is { } record
                    && record.Outputs.TryGetValue(CloudFormationTemplate.Names.FunctionUrlOutput, out var url))
                {
                    context.Urls.Add(new ResourceUrlAnnotation { Url = url, DisplayText = $"AWS function URL ({record.StackName}, {record.Region})" });
                }
            });
        }

        return builder;
    }

    /// <summary>
    /// Makes the deployed function URL public (<c>AuthType NONE</c>): anyone who has the URL can invoke the function and
    /// run up its bill. The publish step prints a warning. The default is <c>AWS_IAM</c>.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithPublicFunctionUrl(this IResourceBuilder<LambdaFunctionResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithDeployOptions(o => o with { FunctionUrlAuth = LambdaFunctionUrlAuth.None });
    }

    /// <summary>Sets how many days the deployed function's log group keeps logs (one of CloudWatch's values, e.g. 7, 14, 30).</summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="days">The retention in days.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithLogRetention(this IResourceBuilder<LambdaFunctionResource> builder, int days)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!s_retentionDays.Contains(days))
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, $"CloudWatch Logs keeps logs for one of {string.Join(", ", s_retentionDays)} days.");
        }

        return builder.WithDeployOptions(o => o with { LogRetentionDays = days });
    }

    /// <summary>
    /// Deploys the function on Lambda's managed <c>dotnet10</c> runtime instead of the Native AOT <c>bootstrap</c> on
    /// <c>provided.al2023</c>: the publish step packages the project as a framework-dependent executable assembly for the
    /// function's architecture (<c>dotnet publish -r linux-x64|linux-arm64 --self-contained false</c>, run JIT), with its
    /// native libraries and the model, as a Zip (<c>Handler</c> = the assembly's name). The package must fit Lambda's 250 MB
    /// unzipped limit: there is no container image for the managed runtime here, so a larger model is refused.
    /// It is the runtime <see cref="WithSnapStart"/> needs.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithManagedRuntime(this IResourceBuilder<LambdaFunctionResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithDeployOptions(o => o with { Runtime = LambdaDeployRuntime.Managed });
    }

    /// <summary>
    /// Asks for SnapStart on published versions (<c>SnapStart: {ApplyOn: PublishedVersions}</c>): Lambda snapshots the
    /// initialized function when the template's version is published, and the alias (and the function URL on it) invokes
    /// that version. It requires <see cref="WithManagedRuntime"/> — SnapStart is not available on <c>provided.al2023</c>
    /// nor for container images — and is refused by the publish step, before anything is built, without it, with
    /// provisioned concurrency, or with more than 512 MB of ephemeral storage. It does not switch the runtime by itself:
    /// leaving Native AOT for JIT is a choice the AppHost states. In the emulator, an environment is initialised ahead of
    /// traffic and held at <c>/runtime/restore/next</c>; a cold start restores it.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithSnapStart(this IResourceBuilder<LambdaFunctionResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithDeployOptions(o => o with { SnapStart = true });
    }

    /// <summary>
    /// Sets the image a container-image package's layers go on (model → natives → bootstrap above the base's layers), as
    /// <c>host/repository:tag</c> or <c>host/repository@sha256:…</c>. The deploy copies its layers registry to registry (a
    /// cross-repository mount within one registry) when it pushes. The default is <c>public.ecr.aws/lambda/provided:al2023</c>.
    /// </summary>
    /// <param name="builder">The function resource builder.</param>
    /// <param name="reference">The base image, its registry named.</param>
    /// <returns>The function resource builder.</returns>
    public static IResourceBuilder<LambdaFunctionResource> WithBaseImage(this IResourceBuilder<LambdaFunctionResource> builder, string reference)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Deploy.Image.ImageReference.Parse(reference);
        return builder.WithDeployOptions(o => o with { BaseImage = reference });
    }

    /// <summary>The function's deployment options: its last <see cref="LambdaDeployAnnotation"/>, else the defaults.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The options.</returns>
    public static LambdaDeployAnnotation DeployOptions(this LambdaFunctionResource function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.TryGetLastAnnotation<LambdaDeployAnnotation>(out var options) ? options : new LambdaDeployAnnotation();
    }

    internal static IResourceBuilder<LambdaFunctionResource> WithDeployOptions(this IResourceBuilder<LambdaFunctionResource> builder, Func<LambdaDeployAnnotation, LambdaDeployAnnotation> change) =>
        builder.WithAnnotation(change(builder.Resource.DeployOptions()), ResourceAnnotationMutationBehavior.Replace);
}
