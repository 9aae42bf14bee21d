using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Scheduling;
using Spectre.Console;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>cold</c>: K forced cold starts, one at a time; Init Duration, the init breakdown and client latency of each.</summary>
public sealed class ColdCommand(IAnsiConsole console) : MeasuringCommand<ColdSettings>(console)
{
    /// <inheritdoc />
    protected override async Task<int> MeasureAsync(Connection connection, ColdSettings settings, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var target = connection.Target;
        IColdStartTrigger trigger = settings.Method == "recycle"
            ? new EmulatorRecycleTrigger(connection.Client, settings.Function!)
            : new ConfigurationChangeTrigger(connection.Control, TimeSpan.FromSeconds(settings.UpdateTimeoutSeconds));
        var series = new SequentialRunner(target, trigger.ForceAsync);
        var payload = settings.Payload();

        Console.MarkupLine(Markup.Escape($"cold: {settings.Count} cold starts of {target.FunctionName} at {target.Description}, forced by {trigger.Method}"));
        var result = await LiveProgress.ShowAsync(Console, settings.Count, settings.NoProgress, () => series.Completed,
            () => $"cold: {series.Completed} of {settings.Count}",
            () => series.RunAsync(settings.Count, TimeSpan.FromSeconds(settings.DurationSeconds), payload, cancellationToken)).ConfigureAwait(false);

        var warmAnswers = result.Requests.Count(r => r.Cold == false);
        // Saved with the results (the trigger is not in the requests), so report says it too.
        var document = Document("cold", settings, connection, startedAt, "cold", result) with
        {
            Notes = warmAnswers > 0 ? [$"{warmAnswers} forced invoke(s) were answered warm: {trigger.Method} did not retire every environment."] : null,
        };
        return await Reporting.FinishAsync(Console, document, settings.ParsedThresholds, settings.Out).ConfigureAwait(false);
    }
}
