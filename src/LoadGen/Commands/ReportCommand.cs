using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Thresholds;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>report</c>: the tables (and thresholds, and summary.md) again from a saved results.json — no target needed.</summary>
public sealed class ReportCommand(IAnsiConsole console) : AsyncCommand<ReportSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, ReportSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var document = await ResultsJson.ReadAsync(settings.ResultsFile, cancellationToken).ConfigureAwait(false);
        console.MarkupLine(Markup.Escape($"{document.Command} of {document.Function} at {document.Target}, started {document.StartedAt:u}"));
        return await Reporting.FinishAsync(console, document, settings.Thresholds.Select(Threshold.Parse).ToList(), settings.Out).ConfigureAwait(false);
    }
}
