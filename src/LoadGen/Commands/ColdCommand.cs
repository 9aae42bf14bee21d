using LlamaAspire.LoadGen.ColdStarts;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Scheduling;
using LlamaAspire.LoadGen.Targets;
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
        using var client = LambdaHttpTarget.CreateClient(settings.EndpointUri, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var target = new LambdaHttpTarget(client, settings.Function!, UnsignedRequests.Instance, $"emulator {settings.EndpointUri}");
        var trigger = new EmulatorRecycleTrigger(client, settings.Function!);
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
