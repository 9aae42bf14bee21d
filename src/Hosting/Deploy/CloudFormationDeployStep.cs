using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using LlamaAspire.Hosting.Deploy.CloudFormation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Aspire 13's pipeline (steps, reporting, summary) is an evaluation API; it is how `aspire deploy` runs this.
#pragma warning disable ASPIREPIPELINES001

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// A function's deploy step, required by Aspire's <c>deploy</c> and after its publish step: uploads the zip (or pushes the
/// image), creates or updates the stack through a confirmed change set, streams the stack's events, and puts the outputs in
/// the log, the pipeline summary and the deployment record the dashboard links.
/// </summary>
internal static class CloudFormationDeployStep
{
    /// <summary>The step.</summary>
    public static PipelineStep Create(LambdaFunctionResource function) => new()
    {
        Name = function.DeployStepName(),
        Description = $"Deploys {function.Name} to AWS Lambda as a CloudFormation stack.",
        Action = context => RunAsync(context, function),
        DependsOnSteps = [function.PublishStepName()],
        RequiredBySteps = [WellKnownPipelineSteps.Deploy],
        Resource = function,
    };

    private static async Task RunAsync(PipelineStepContext context, LambdaFunctionResource function)
    {
        var ct = context.CancellationToken;
        try
        {
            var published = function.Annotations.OfType<PublishedPackageAnnotation>().LastOrDefault()?.Result
                ?? throw new InvalidOperationException($"{function.PublishStepName()} did not run before {function.DeployStepName()}.");
            var target = DeployTarget.FromConfiguration(context.Services.GetRequiredService<IConfiguration>(), DefaultStateDirectory(function));
            var stackName = target.StackName(function.Name);
            using var http = new HttpClient();
            var deployer = new FunctionDeployer(target, http, message => Say(context, LogLevel.Information, message),
                (changes, token) => DeployConfirmation.AskAsync(context, target, $"Deploy {function.Name}",
                    $"Execute the change set on stack {stackName} ({changes.Count} change{(changes.Count == 1 ? "" : "s")}) in {target.Region}?", token));

            DeploymentRecord record;
            await using (var task = await context.ReportingStep.CreateTaskAsync($"Stack {stackName} ({target.Region})", ct).ConfigureAwait(false))
            {
                record = await deployer.DeployAsync(published, ct).ConfigureAwait(false);
                await task.CompleteAsync($"Stack {stackName} deployed", CompletionState.Completed, ct).ConfigureAwait(false);
            }

            foreach (var (key, value) in record.Outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                Say(context, LogLevel.Information, $"{function.Name}: {key} = {value}");
                context.Summary.Add($"{function.Name} {key}", value);
            }

            context.Summary.Add($"{function.Name} stack", $"{stackName} ({target.Region})");
        }
        catch (Exception ex)
        {
            // Aspire 13.6.5 exits 0 after a failed step unless the step sets the exit code; scripts and CI depend on it.
            Environment.ExitCode = 1;
            Say(context, LogLevel.Error, ex is DeployRefusedException refused ? string.Join(" ", refused.Reasons) : $"{function.Name}: {ex.Message}");
            throw;
        }
    }

    /// <summary>Where deployment records go unless <c>Deploy:StateDirectory</c> says: <c>{repository}/artifacts/deploy/deployments</c>.</summary>
    public static string DefaultStateDirectory(LambdaFunctionResource function) =>
        Path.Combine(LambdaPaths.RepositoryRoot(Path.GetDirectoryName(Path.GetFullPath(function.ProjectPath))!), "artifacts", "deploy", "deployments");

    private static void Say(PipelineStepContext context, LogLevel level, string message) =>
        context.Logger.Log(level, "{Message}", message);
}
