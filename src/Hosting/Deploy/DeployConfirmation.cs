using Aspire.Hosting;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// The interaction service (the Aspire CLI's prompts) is an evaluation API.
#pragma warning disable ASPIREINTERACTION001, ASPIREPIPELINES001

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// Asks before a deploy or destroy changes AWS: yes without asking when <c>Deploy:Yes</c> is true; else the Aspire CLI's
/// prompt (<c>aspire deploy</c>), else the terminal's; with neither (CI, a redirected stdin) it refuses, saying how to confirm.
/// </summary>
internal static class DeployConfirmation
{
    /// <summary>Set by the Aspire CLI on the AppHost it runs (<c>aspire deploy</c>): the socket its prompts travel on.</summary>
    private const string CliBackchannelKey = "ASPIRE_BACKCHANNEL_PATH";

    public static async Task<bool> AskAsync(PipelineStepContext context, DeployTarget target, string title, string question, CancellationToken cancellationToken)
    {
        if (target.Yes)
        {
            return true;
        }

        // The interaction service reports itself available without an Aspire CLI attached (`dotnet run`) and then waits for an
        // answer no one can give: ask through it only when the CLI's backchannel is there.
        var cliAttached = context.Services.GetRequiredService<IConfiguration>()[CliBackchannelKey] is { Length: > 0 };
        if (cliAttached && context.Services.GetService<IInteractionService>() is { IsAvailable: true } interaction)
        {
            var answer = await interaction.PromptConfirmationAsync(title, question, cancellationToken: cancellationToken).ConfigureAwait(false);
            return !answer.Canceled && answer.Data;
        }

        if (Console.IsInputRedirected)
        {
            throw new DeployRefusedException($"{question} There is no one to ask (no terminal, no Aspire CLI): confirm on the command line " +
                $"with --{DeployTarget.YesKey} true (or the environment variable {DeployTarget.YesKey.Replace(":", "__", StringComparison.Ordinal)}=true).");
        }

        await Console.Out.WriteAsync($"{question} [y/N] ").ConfigureAwait(false);
        var line = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return line?.Trim().ToUpperInvariant() is "Y" or "YES";
    }
}
