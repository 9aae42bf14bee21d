using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Scheduling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>cold</c>: K forced cold starts, one at a time; Init Duration, the init breakdown and client latency of each.</summary>
public sealed class ColdCommand(IAnsiConsole console) : AsyncCommand<ColdSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, ColdSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var startedAt = DateTimeOffset.UtcNow;
        using var connection = new Connection(settings);
        var target = connection.Target;
        IColdStartTrigger trigger = settings.Method == "recycle"
            ? new EmulatorRecycleTrigger(connection.Client, settings.Function!)
            : new ConfigurationChangeTrigger(connection.Control, TimeSpan.FromSeconds(settings.UpdateTimeoutSeconds));
        var series = new SequentialRunner(target, trigger.ForceAsync);
        var payload = settings.Payload();

        console.MarkupLine(Markup.Escape($"cold: {settings.Count} cold starts of {target.FunctionName} at {target.Description}, forced by {trigger.Method}"));
        var result = await LiveProgress.ShowAsync(console, settings.Count, settings.NoProgress, () => series.Completed,
            () => $"cold: {series.Completed} of {settings.Count}",
            () => series.RunAsync(settings.Count, TimeSpan.FromSeconds(settings.DurationSeconds), payload, cancellationToken)).ConfigureAwait(false);

        var document = new ResultsDocument
        {
            Command = "cold",
            StartedAt = startedAt,
            Target = target.Description,
            Function = target.FunctionName,
            Architecture = settings.Architecture,
            Prices = settings.Prices,
            Interrupted = result.Interrupted,
            Variants = [new VariantResults("cold", null, result.Requests)],
        };
        var warmAnswers = result.Requests.Count(r => r.Cold == false);
        string[] notes = warmAnswers > 0 ? [$"{warmAnswers} forced invoke(s) were answered warm (REPORT had no Init Duration): {trigger.Method} did not retire every environment."] : [];
        return await Reporting.FinishAsync(console, document, settings.ParsedThresholds, settings.Out, notes).ConfigureAwait(false);
    }
}
