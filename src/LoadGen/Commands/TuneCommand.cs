using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Measurement;
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

        var document = Document(settings.ColdOnly ? "tune --cold-only" : "tune", settings, connection, settings.Function!, startedAt, interrupted, variants);
        var recommendation = Recommend(document, settings.ColdOnly, settings.Strategy, settings.Weight);
        string[] notes = [recommendation?.Sentence ?? "No recommendation: no memory size had a successful invoke with a REPORT."];
        return await Reporting.FinishAsync(Console, document, settings.ParsedThresholds, settings.Out, notes).ConfigureAwait(false);
    }

    /// <summary>The strategy's pick among the measured sizes: cold p50 with <paramref name="coldOnly"/>, else p50 of all invokes.</summary>
    internal static Recommendation? Recommend(ResultsDocument document, bool coldOnly, TuneStrategy strategy, double weight)
    {
        var cost = document.CostModel();
        var candidates = document.Variants
            .Where(v => v.MemorySizeMb is not null)
            .Select(v => (v.MemorySizeMb!.Value, Summary: VariantSummary.Of(v.Requests, cost)))
            .Where(v => v.Summary.Cost is not null)
            .Select(v => new TuneCandidate(v.Value, coldOnly ? v.Summary.Cold.P50 : v.Summary.All.P50, v.Summary.Cost!.PerMillionRequests / 1_000_000m))
            .ToList();
        return Recommendation.Choose(candidates, strategy, weight);
    }
}
