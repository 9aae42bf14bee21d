using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Aspire 13's pipeline (steps, reporting, output path) is an evaluation API; it is how `aspire publish` runs this.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// A function's publish step: builds the model and the Native AOT bootstrap, chooses the package by size, refuses what
/// cannot work, writes the zip (when Zip) and the CloudFormation template as JSON and YAML to the output path, and says
/// what it chose and why. No AWS call is made.
/// </summary>
internal static class CloudFormationPublishStep
{
    /// <summary>The step, required by Aspire's <c>publish</c>.</summary>
    public static PipelineStep Create(LambdaFunctionResource function) => new()
    {
        Name = function.PublishStepName(),
        Description = $"Writes {function.Name}'s Lambda package and CloudFormation template.",
        Action = context => RunAsync(context, function),
        RequiredBySteps = [WellKnownPipelineSteps.Publish],
        Resource = function,
    };

    private static async Task RunAsync(PipelineStepContext context, LambdaFunctionResource function)
    {
        try
        {
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory(function);
            var result = await PublishAsync(context, function, output).ConfigureAwait(false);
            function.Annotations.Add(new PublishedPackageAnnotation(result));
            context.Summary.Add($"{function.Name} package", result.Deployment.Package.Reason);
            context.Summary.Add($"{function.Name} template", result.JsonPath);
        }
        catch (Exception ex)
        {
            // Aspire 13.6.5 exits 0 after a failed step unless the step sets the exit code; scripts and CI depend on it.
            Environment.ExitCode = 1;
            if (ex is DeployRefusedException refused)
            {
                foreach (var reason in refused.Reasons)
                {
                    Say(context, LogLevel.Error, reason);
                }
            }

            throw;
        }
    }

    private static async Task<PublishResult> PublishAsync(PipelineStepContext context, LambdaFunctionResource function, string output)
    {
        var ct = context.CancellationToken;
        var step = context.ReportingStep;
        var settings = DeployDefaults.Apply(function, await LambdaFunctionSettings.ReadAsync(function, context.ExecutionContext, ct).ConfigureAwait(false));
        var options = function.DeployOptions();
        var model = function.TryGetLastAnnotation<LambdaModelAnnotation>(out var m) ? m.Model : null;
        var environment = PackageContents.DeployedEnvironment(settings.Environment, model is not null);

        // What the settings alone rule out, before a minute of native compilation.
        var refusals = DeployChecks.SettingsRefusals(settings, options, environment);
        if (refusals.Count > 0)
        {
            throw new DeployRefusedException(refusals);
        }

        if (options.FunctionUrlAuth == LambdaFunctionUrlAuth.None)
        {
            var warning = $"{function.Name}: the function URL is public (AuthType NONE, WithPublicFunctionUrl): anyone with the URL can invoke it, billed to you.";
            Say(context, LogLevel.Warning, warning);
        }

        if (settings.Build == LambdaBuildKind.Jit)
        {
            Say(context, LogLevel.Information, $"{function.Name} runs JIT locally; it deploys as a Native AOT bootstrap on provided.al2023 (the managed dotnet10 runtime is not supported yet).");
        }

        var root = LambdaPaths.RepositoryRoot(Path.GetDirectoryName(Path.GetFullPath(function.ProjectPath))!);
        if (model is not null)
        {
            await using var task = await step.CreateTaskAsync($"Model {model.Preset} ({model.Format})", ct).ConfigureAwait(false);
            var built = await ArtifactBuilds.EnsureModelAsync(root, model, ct).ConfigureAwait(false);
            await task.CompleteAsync(built ? $"Built {model.ModelDirectory}" : $"Using {model.ModelDirectory}", CompletionState.Completed, ct).ConfigureAwait(false);
        }

        string publish;
        var rid = ArtifactBuilds.RuntimeIdentifier(settings.Architecture);
        await using (var task = await step.CreateTaskAsync($"Native AOT bootstrap ({rid})", ct).ConfigureAwait(false))
        {
            publish = await ArtifactBuilds.PublishBootstrapAsync(root, function.ProjectPath, settings.Architecture, ct).ConfigureAwait(false);
            var machine = ElfMachine.Read(Path.Combine(publish, LambdaContracts.Deployment.LambdaDeploymentNames.BootstrapFile));
            if (machine != ElfMachine.For(settings.Architecture))
            {
                throw new InvalidOperationException($"The published bootstrap is {ElfMachine.Name(machine)}, not {settings.ArchitectureName}.");
            }

            await task.CompleteAsync($"Published {publish} ({settings.ArchitectureName})", CompletionState.Completed, ct).ConfigureAwait(false);
        }

        var cross = settings.Architecture == LambdaArchitecture.Arm64 && Arm64CrossToolchain.IsCrossCompiling ? ", cross-compiled on this machine" : "";
        Say(context, LogLevel.Information, $"{function.Name}: architecture {settings.ArchitectureName}: the bootstrap is a {rid} Native AOT executable{cross}.");

        var plan = PackagePlan.Choose(PackageContents.Collect(publish, model?.ModelDirectory));
        Say(context, LogLevel.Information, $"{function.Name}: {plan.Reason}");
        var footprint = model is null ? null : ModelFootprint.Of(model.ModelDirectory, plan.Files.Where(f => f.Layer == PackageLayer.Model));
        refusals = DeployChecks.PackageRefusals(settings, plan, footprint);
        if (refusals.Count > 0)
        {
            throw new DeployRefusedException(refusals);
        }

        if (footprint is not null)
        {
            Say(context, LogLevel.Information, $"{function.Name}: memory {ByteSize.FormatMb(settings.MemorySize)} holds the model's estimated " +
                $"{ByteSize.FormatMb(ByteSize.CeilingMb(footprint.ResidentBytes))} resident ({footprint.Breakdown}).");
        }

        return await PublishWriter.WriteAsync(settings, options, plan, environment, model?.Preset, output, (level, message) => Say(context, level, message), ct).ConfigureAwait(false);
    }

    /// <summary>Progress for the console (`dotnet run … --operation publish`) and, through the step's logger, the Aspire CLI.</summary>
    private static void Say(PipelineStepContext context, LogLevel level, string message) =>
        context.Logger.Log(level, "{Message}", message);
}
