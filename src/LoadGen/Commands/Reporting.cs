using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Thresholds;
using LlamaAspire.LoadGen.Tuning;
using Spectre.Console;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>The end of every measuring command: tables, thresholds, files and the exit code.</summary>
public static class Reporting
{
    /// <summary>Exit code when a threshold failed.</summary>
    public const int ThresholdFailed = 1;

    /// <summary>Exit code when the run was interrupted (128 + SIGINT, as shells report it) and no threshold failed.</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Prints the tables, the notes and threshold results, writes <c>--out</c> files, and returns the exit code. Everything
    /// comes from the document — the run's own notes saved in it, the rest derived from its requests — so a measuring command
    /// and <c>report</c> of its results.json print the same.
    /// </summary>
    public static async Task<int> FinishAsync(IAnsiConsole console, ResultsDocument document, IReadOnlyList<Threshold> thresholds, string? outDirectory)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(thresholds);
        var costModel = document.CostModel();
        var summaries = document.Variants.Select(v => (v.Name, VariantSummary.Of(v.Requests, costModel))).ToList();
        var tables = SummaryTables.Build(summaries).ToList();
        var noteList = (document.Notes ?? []).ToList();
        if (document.Compare is not null)
        {
            // compare's own table first (report re-renders it from the saved setup); the usual tables follow as detail.
            var (compare, compareNotes) = CompareTable.Build(document, summaries);
            tables.Insert(0, compare);
            noteList.AddRange(compareNotes);
        }
        else
        {
            // A sweep's recommendation first: it is the answer the sweep was run for.
            if ((document.Tune ?? (document.Command.StartsWith("tune", StringComparison.Ordinal) ? TuneSetup.Fallback(document.Command) : null)) is { } tune)
            {
                noteList.Add(tune.Sentence(document));
            }

            // The decision matrix for any result with warm invokes at a known memory size (a run, each size of a sweep);
            // compare's table says it per column above.
            var container = document.CrossoverContainer();
            noteList.AddRange(document.Variants.Select(v => VariantCrossover.Of(v, costModel, container)?.Sentence(document.Architecture)).OfType<string>());
        }

        if (document.Interrupted)
        {
            console.MarkupLine("[yellow]Interrupted: the figures cover what was measured before the stop.[/]");
        }

        ConsoleWriter.Write(console, tables);
        foreach (var note in noteList)
        {
            console.MarkupLine(Markup.Escape(note));
        }

        var failed = false;
        foreach (var (name, summary) in summaries)
        {
            foreach (var result in thresholds.Select(t => t.Evaluate(summary)))
            {
                failed |= !result.Passed;
                var actual = result.Actual is { } a ? SummaryTables.Number(a) : result.Reason;
                console.MarkupLine(Markup.Escape($"{(result.Passed ? "PASS" : "FAIL")} {name}: {result.Threshold} (measured {actual})"));
            }
        }

        if (outDirectory is not null)
        {
            Directory.CreateDirectory(outDirectory);
            // Written even when interrupted: a stopped run's requests are still measurements.
            var json = Path.Combine(outDirectory, ResultsJson.FileName);
            await ResultsJson.WriteAsync(document, json, CancellationToken.None).ConfigureAwait(false);
            var markdown = Path.Combine(outDirectory, MarkdownWriter.FileName);
            await File.WriteAllTextAsync(markdown, MarkdownWriter.Render(document, tables, noteList), CancellationToken.None).ConfigureAwait(false);
            console.MarkupLine(Markup.Escape($"Wrote {json} and {markdown}"));
            var charts = Charts.Write(document, summaries, outDirectory);
            var html = Path.Combine(outDirectory, HtmlReport.FileName);
            await File.WriteAllTextAsync(html, HtmlReport.Render(document, tables, noteList, charts.Where(c => c.EndsWith(".svg", StringComparison.Ordinal))), CancellationToken.None).ConfigureAwait(false);
            console.MarkupLine(Markup.Escape($"Charts: {string.Join(", ", charts.Select(Path.GetFileName))}; report: {html}"));
        }

        return failed ? ThresholdFailed : document.Interrupted ? Interrupted : 0;
    }
}
