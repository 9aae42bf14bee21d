using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Tuning;
using Spectre.Console;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>tune</c>: the memory sweep and the recommendation it implies.</summary>
public sealed class TuneCommand(IAnsiConsole console) : MeasuringCommand<TuneSettings>(console)
{
    /// <inheritdoc />
    protected override async Task<int> MeasureAsync(Connection connection, TuneSettings settings, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var updateTimeout = TimeSpan.FromSeconds(settings.UpdateTimeoutSeconds);
        var sweep = new MemorySweep(connection.Control, connection.Target, new ConfigurationChangeTrigger(connection.Control, updateTimeout), updateTimeout);
        var sizes = settings.MemorySizes;
        var expected = sizes.Count * settings.Invocations;
        var payload = settings.Payload();

        Console.MarkupLine(Markup.Escape($"tune: {string.Join(", ", sizes)} MB × {settings.Invocations}{(settings.ColdOnly ? " cold starts" : " invokes")} of {connection.Target.FunctionName} at {connection.Target.Description}"));
        var (variants, interrupted) = await LiveProgress.ShowAsync(Console, expected, settings.NoProgress, () => sweep.Completed,
            () => $"tune: {sweep.Current?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} MB, {sweep.Completed} of {expected}",
            () => sweep.RunAsync(sizes, settings.Invocations, settings.ColdOnly, TimeSpan.FromSeconds(settings.DurationSeconds), payload, cancellationToken)).ConfigureAwait(false);

        var document = Document(settings.ColdOnly ? "tune --cold-only" : "tune", settings, connection, settings.Function!, startedAt, interrupted, variants) with
        {
            // Saved, not the sentence: Reporting derives the recommendation from it, here and in report.
            Tune = new TuneSetup { Strategy = settings.Strategy, Weight = settings.Weight, ColdOnly = settings.ColdOnly },
        };
        return await Reporting.FinishAsync(Console, document, settings.ParsedThresholds, settings.Out).ConfigureAwait(false);
    }
}
