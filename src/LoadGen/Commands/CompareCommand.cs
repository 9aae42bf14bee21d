using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Control;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>compare</c>: the variants in one run, each measured the same way, as one table with the baseline's ratio and the crossover.</summary>
public sealed class CompareCommand(IAnsiConsole console) : AsyncCommand<CompareSettings>
{
    /// <summary>Exit code when no variant's function exists at the target (not 1, which is a failed threshold).</summary>
    public const int NothingMeasured = 2;

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, CompareSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var startedAt = DateTimeOffset.UtcNow;
        var variants = settings.ParsedVariants;
        using var client = LambdaHttpTarget.CreateClient(settings.EndpointUri, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var description = $"emulator {settings.EndpointUri}{(settings.Stream ? " (streaming)" : "")}";
        var runner = new CompareRunner(function => (
            new LambdaHttpTarget(client, function, UnsignedRequests.Instance, description, settings.Stream ? InvokeMode.Streaming : InvokeMode.Buffered),
            new LambdaHttpControl(client, function, UnsignedRequests.Instance)), TimeSpan.FromSeconds(settings.UpdateTimeoutSeconds));
        var perVariant = settings.ColdStarts + settings.WarmInvokes;
        var expected = variants.Count * perVariant;
        var payload = settings.Payload();

        console.MarkupLine(Markup.Escape($"compare: {string.Join(", ", variants.Select(v => v.MemorySizeMb is { } m ? $"{v.Function}@{m}" : v.Function))}, each {settings.ColdStarts} forced cold starts + {settings.WarmInvokes} warm invokes at {description}"));
        var (results, interrupted) = await LiveProgress.ShowAsync(console, expected, settings.NoProgress, () => runner.Completed,
            () => $"compare: {runner.Current ?? "-"}, {runner.Completed} of {expected}",
            () => runner.RunAsync(variants, settings.ColdStarts, settings.WarmInvokes, TimeSpan.FromSeconds(settings.DurationSeconds), payload, cancellationToken)).ConfigureAwait(false);

        var document = new ResultsDocument
        {
            Command = "compare",
            StartedAt = startedAt,
            Target = description,
            Function = string.Join(", ", variants.Select(v => v.Function).Distinct(StringComparer.Ordinal)),
            Architecture = settings.Architecture,
            Prices = settings.Prices,
            Interrupted = interrupted,
            Variants = results,
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
        };
        var notes = runner.Skipped.Concat(results.Where(v => v.Requests.Take(settings.ColdStarts).Any(r => r.Cold == false))
            .Select(v => $"{v.Name}: some forced invokes were answered warm (REPORT had no Init Duration).")).ToList();
        if (results.Count == 0 && !interrupted)
        {
            foreach (var note in notes)
            {
                console.MarkupLine(Markup.Escape(note));
            }

            console.MarkupLine("[red]No variant could be measured.[/]");
            return NothingMeasured;
        }

        return await Reporting.FinishAsync(console, document, settings.ParsedThresholds, settings.Out, notes).ConfigureAwait(false);
    }
}
