using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>diff</c>: two result sets (local vs AWS, before vs after a change) side by side, with the change per figure.</summary>
public sealed class DiffCommand(IAnsiConsole console) : AsyncCommand<DiffSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, DiffSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var before = await ResultsJson.ReadAsync(ReportSettings.ResolveResults(settings.Before), cancellationToken).ConfigureAwait(false);
        var after = await ResultsJson.ReadAsync(ReportSettings.ResolveResults(settings.After), cancellationToken).ConfigureAwait(false);
        var tables = DiffTables.Build("before", Summaries(before), "after", Summaries(after));
        console.MarkupLine(Markup.Escape($"before: {before.Command} of {before.Function} at {before.Target}, {before.StartedAt:u}"));
        console.MarkupLine(Markup.Escape($"after:  {after.Command} of {after.Function} at {after.Target}, {after.StartedAt:u}"));
        if (tables.Count == 0)
        {
            console.MarkupLine("[yellow]No variant in common: nothing to compare.[/]");
            return 2;
        }

        ConsoleWriter.Write(console, tables);
        return 0;
    }

    private static List<(string Name, VariantSummary Summary)> Summaries(ResultsDocument document)
    {
        var cost = document.CostModel();
        return document.Variants.Select(v => (v.Name, VariantSummary.Of(v.Requests, cost))).ToList();
    }
}
