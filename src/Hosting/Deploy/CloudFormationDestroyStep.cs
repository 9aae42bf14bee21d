using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Aspire 13's pipeline (steps, reporting, summary) is an evaluation API; it is how `aspire destroy` runs this.
#pragma warning disable ASPIREPIPELINES001

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// A function's destroy step, required by Aspire's <c>destroy</c>: after a confirmation, deletes its stack (waiting out an
/// operation in progress), then the zips and image tag its deploys uploaded, and its deployment record.
/// </summary>
internal static class CloudFormationDestroyStep
{
    /// <summary>The step.</summary>
    public static PipelineStep Create(LambdaFunctionResource function) => new()
    {
        Name = function.DestroyStepName(),
        Description = $"Deletes {function.Name}'s CloudFormation stack and the artifacts its deploys uploaded.",
        Action = context => RunAsync(context, function),
        RequiredBySteps = [WellKnownPipelineSteps.Destroy],
        Resource = function,
    };

    private static async Task RunAsync(PipelineStepContext context, LambdaFunctionResource function)
    {
        var ct = context.CancellationToken;
        try
        {
            var target = DeployTarget.FromConfiguration(context.Services.GetRequiredService<IConfiguration>(), CloudFormationDeployStep.DefaultStateDirectory(function));
            var stackName = DeploymentRecord.Read(target.StatePath(function.Name))?.StackName ?? target.StackName(function.Name);
            if (!await DeployConfirmation.AskAsync(context, target, $"Destroy {function.Name}",
                    $"Delete stack {stackName} in {target.Region} and {function.Name}'s uploaded artifacts?", ct).ConfigureAwait(false))
            {
                throw new OperationCanceledException($"Stack {stackName} was not deleted.");
            }

            using var http = new HttpClient();
            var deployer = new FunctionDeployer(target, http, message => context.Logger.Log(LogLevel.Information, "{Message}", message),
                (_, _) => Task.FromResult(false));
            IReadOnlyList<string> removed;
            await using (var task = await context.ReportingStep.CreateTaskAsync($"Delete stack {stackName} ({target.Region})", ct).ConfigureAwait(false))
            {
                removed = await deployer.DestroyAsync(function.Name, ct).ConfigureAwait(false);
                await task.CompleteAsync(removed.Count == 0 ? "Nothing to delete" : $"Deleted {removed.Count}", CompletionState.Completed, ct).ConfigureAwait(false);
            }

            context.Summary.Add($"{function.Name} deleted", removed.Count == 0 ? "nothing (no stack, no artifacts)" : string.Join(", ", removed));
        }
        catch (Exception ex)
        {
            // Aspire 13.6.5 exits 0 after a failed step unless the step sets the exit code; scripts and CI depend on it.
            Environment.ExitCode = 1;
            context.Logger.Log(LogLevel.Error, "{Message}", ex is DeployRefusedException refused ? string.Join(" ", refused.Reasons) : $"{function.Name}: {ex.Message}");
            throw;
        }
    }
}
