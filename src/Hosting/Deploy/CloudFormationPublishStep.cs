using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using LlamaAspire.LambdaContracts.Deployment;
using Microsoft.Extensions.Logging;

// Aspire 13's pipeline (steps, reporting, output path) is an evaluation API; it is how `aspire publish` runs this.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// A function's publish step: refuses what the settings rule out, builds the model (and refuses what its size rules out),
/// builds the function (the Native AOT bootstrap, or the executable assembly for the managed runtime), chooses the package
/// by size, refuses what cannot work, writes the zip (when Zip) and the CloudFormation template as JSON and YAML to the output path, and says
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
        var managed = options.Runtime == LambdaDeployRuntime.Managed;

        // What the settings and this machine rule out, before the model build and a minute of compilation.
        var refusals = DeployChecks.SettingsRefusals(settings, options, environment);
        refusals.AddRange(DeployChecks.ToolchainRefusals(settings, options, Arm64CrossToolchain.MissingPackages()));
        if (refusals.Count > 0)
        {
            throw new DeployRefusedException(refusals);
        }

        if (options.FunctionUrlAuth == LambdaFunctionUrlAuth.None)
        {
            var warning = $"{function.Name}: the function URL is public (AuthType NONE, WithPublicFunctionUrl): anyone with the URL can invoke it, billed to you.";
            Say(context, LogLevel.Warning, warning);
        }

        Say(context, LogLevel.Information, $"{function.Name}: {RuntimeChoice(function, settings, options)}");

        var root = LambdaPaths.RepositoryRoot(Path.GetDirectoryName(Path.GetFullPath(function.ProjectPath))!);
        ModelFootprint? footprint = null;
        if (model is not null)
        {
            await using (var task = await step.CreateTaskAsync($"Model {model.Preset} ({model.Format})", ct).ConfigureAwait(false))
            {
                if (model.Prepacked)
                {
                    Say(context, LogLevel.Information,
                        $"{function.Name}: the model's pre-packed weights fit this machine's CPU and ONNX Runtime only; deploying the same graph without them ({model.DeployedModelDirectory}).");
                }

                var built = await ArtifactBuilds.EnsureDeployedModelAsync(root, model, ct).ConfigureAwait(false);
                await task.CompleteAsync(built ? $"Built {model.DeployedModelDirectory}" : $"Using {model.DeployedModelDirectory}", CompletionState.Completed, ct).ConfigureAwait(false);
            }

            // The model's size is known now: what it rules out is refused before the function is built.
            footprint = ModelFootprint.Of(model.DeployedModelDirectory, PackageContents.ModelFiles(model.DeployedModelDirectory));
            refusals = DeployChecks.ModelRefusals(settings, options, footprint);
            if (refusals.Count > 0)
            {
                throw new DeployRefusedException(refusals);
            }
        }

        var rid = ArtifactBuilds.RuntimeIdentifier(settings.Architecture);
        var publish = managed
            ? await PublishManagedAsync(context, function, root, settings, rid).ConfigureAwait(false)
            : await PublishBootstrapAsync(context, function, root, settings, rid).ConfigureAwait(false);

        var plan = PackagePlan.Choose(PackageContents.Collect(publish, model?.DeployedModelDirectory));
        Say(context, LogLevel.Information, $"{function.Name}: {plan.Reason}");
        refusals = DeployChecks.PackageRefusals(options, plan);
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

    /// <summary>The runtime the function deploys on, and why, in words.</summary>
    private static string RuntimeChoice(LambdaFunctionResource function, LambdaFunctionSettings settings, LambdaDeployAnnotation options)
    {
        var local = settings.Build == LambdaBuildKind.Jit ? "runs JIT locally" : "runs Native AOT locally";
        if (options.Runtime == LambdaDeployRuntime.Managed)
        {
            var snapStart = options.SnapStart
                ? $"; SnapStart on published versions (WithSnapStart): the version is snapshotted when published, and the alias {options.AliasName} and its function URL invoke it"
                : "; no SnapStart (add WithSnapStart to snapshot published versions)";
            return $"{function.Name} {local}; it deploys on the managed {LambdaDeploymentNames.Dotnet10Runtime} runtime (WithManagedRuntime) as a " +
                $"framework-dependent executable assembly run JIT, a Zip package{snapStart}.";
        }

        return $"{function.Name} {local}; it deploys as a Native AOT bootstrap on {LambdaDeploymentNames.ProvidedAl2023Runtime} (the default; " +
            "WithManagedRuntime deploys on dotnet10 instead, which SnapStart needs).";
    }

    private static async Task<string> PublishBootstrapAsync(PipelineStepContext context, LambdaFunctionResource function, string root, LambdaFunctionSettings settings, string rid)
    {
        var ct = context.CancellationToken;
        Say(context, LogLevel.Information, $"{function.Name}: building the Native AOT bootstrap for {rid} (dotnet publish -p:PublishAot=true).");
        string publish;
        await using (var task = await context.ReportingStep.CreateTaskAsync($"Native AOT bootstrap ({rid})", ct).ConfigureAwait(false))
        {
            publish = await ArtifactBuilds.PublishBootstrapAsync(root, function.ProjectPath, settings.Architecture, ct).ConfigureAwait(false);
            var machine = ElfMachine.Read(Path.Combine(publish, LambdaDeploymentNames.BootstrapFile));
            if (machine != ElfMachine.For(settings.Architecture))
            {
                throw new InvalidOperationException($"The published bootstrap is {ElfMachine.Name(machine)}, not {settings.ArchitectureName}.");
            }

            await task.CompleteAsync($"Published {publish} ({settings.ArchitectureName})", CompletionState.Completed, ct).ConfigureAwait(false);
        }

        var cross = settings.Architecture == LambdaArchitecture.Arm64 && Arm64CrossToolchain.IsCrossCompiling ? ", cross-compiled on this machine" : "";
        Say(context, LogLevel.Information, $"{function.Name}: architecture {settings.ArchitectureName}: the bootstrap is a {rid} Native AOT executable{cross}.");
        return publish;
    }

    private static async Task<string> PublishManagedAsync(PipelineStepContext context, LambdaFunctionResource function, string root, LambdaFunctionSettings settings, string rid)
    {
        var ct = context.CancellationToken;
        Say(context, LogLevel.Information, $"{function.Name}: building the executable assembly for {rid} (dotnet publish --self-contained false).");
        string publish;
        await using (var task = await context.ReportingStep.CreateTaskAsync($"Executable assembly for {LambdaDeploymentNames.Dotnet10Runtime} ({rid})", ct).ConfigureAwait(false))
        {
            publish = await ArtifactBuilds.PublishManagedAsync(root, function.ProjectPath, settings.Architecture, ct).ConfigureAwait(false);
            await task.CompleteAsync($"Published {publish} ({settings.ArchitectureName})", CompletionState.Completed, ct).ConfigureAwait(false);
        }

        var natives = PackageContents.CodeFiles(publish).Where(f => f.Layer == PackageLayer.Natives).ToList();
        var wrongMachine = natives.Where(f => ElfMachine.Read(f.SourcePath) != ElfMachine.For(settings.Architecture)).Select(f => f.RelativePath).ToList();
        if (wrongMachine.Count > 0)
        {
            throw new InvalidOperationException($"The published native libraries {string.Join(", ", wrongMachine)} are not {settings.ArchitectureName}.");
        }

        Say(context, LogLevel.Information, $"{function.Name}: architecture {settings.ArchitectureName}: the assembly is portable IL run JIT by " +
            $"{LambdaDeploymentNames.Dotnet10Runtime}; its {natives.Count} native librar{(natives.Count == 1 ? "y is" : "ies are")} {rid} " +
            $"({string.Join(", ", natives.Select(n => n.RelativePath))}).");
        return publish;
    }

    /// <summary>Progress for the console (`dotnet run … --operation publish`) and, through the step's logger, the Aspire CLI.</summary>
    private static void Say(PipelineStepContext context, LogLevel level, string message) =>
        context.Logger.Log(level, "{Message}", message);
}
