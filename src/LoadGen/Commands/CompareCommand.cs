using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Output;
using Spectre.Console;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>compare</c>: the variants in one run, each measured the same way, as one table with the baseline's ratio and the crossover.</summary>
public sealed class CompareCommand(IAnsiConsole console) : MeasuringCommand<CompareSettings>(console)
{
    /// <summary>Exit code when no variant's function exists at the target (not 1, which is a failed threshold).</summary>
    public const int NothingMeasured = 2;

    /// <inheritdoc />
    protected override async Task<int> MeasureAsync(Connection connection, CompareSettings settings, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var variants = settings.ParsedVariants;
        var description = connection.Description;
        var runner = new CompareRunner(function => (connection.TargetFor(function), connection.ControlFor(function)), TimeSpan.FromSeconds(settings.UpdateTimeoutSeconds));
        var perVariant = settings.ColdStarts + settings.WarmInvokes;
        var expected = variants.Count * perVariant;
        var payload = settings.Payload();

        Console.MarkupLine(Markup.Escape($"compare: {string.Join(", ", variants.Select(v => v.Label))}, each {settings.ColdStarts} forced cold starts + {settings.WarmInvokes} warm invokes at {description}"));
        var (results, interrupted) = await LiveProgress.ShowAsync(Console, expected, settings.NoProgress, () => runner.Completed,
            () => $"compare: {runner.Current ?? "-"}, {runner.Completed} of {expected}",
            () => runner.RunAsync(variants, settings.ColdStarts, settings.WarmInvokes, TimeSpan.FromSeconds(settings.DurationSeconds), payload, cancellationToken)).ConfigureAwait(false);

        var functions = string.Join(", ", variants.Select(v => v.Function).Distinct(StringComparer.Ordinal));
        // Saved with the results: which variants were skipped and why is not in the requests, and report prints it again.
        var notes = runner.Skipped.Concat(results.Where(v => v.Requests.Take(settings.ColdStarts).Any(r => r.Cold == false))
            .Select(v => $"{v.Name}: some forced invokes were answered warm (REPORT had no Init Duration).")).ToList();
        var document = Document("compare", settings, connection, functions, startedAt, interrupted, results) with
        {
            Container = null, // compare keeps its container prices in its setup (compare.container), where report reads them
            Compare = new CompareSetup
            {
                ColdStarts = settings.ColdStarts,
                WarmInvokes = settings.WarmInvokes,
                ProcessorCount = Environment.ProcessorCount,
                S3MegabytesPerSecond = settings.S3MegabytesPerSecond,
                ModelMegabytes = settings.ModelMegabytes,
                Container = settings.ContainerPrices,
                Provisioned = settings.Provisioned,
            },
            Notes = notes.Count > 0 ? notes : null,
        };
        if (results.Count == 0 && !interrupted)
        {
            foreach (var note in notes)
            {
                Console.MarkupLine(Markup.Escape(note));
            }

            Console.MarkupLine("[red]No variant could be measured.[/]");
            return NothingMeasured;
        }

        return await Reporting.FinishAsync(Console, document, settings.ParsedThresholds, settings.Out).ConfigureAwait(false);
    }
}
