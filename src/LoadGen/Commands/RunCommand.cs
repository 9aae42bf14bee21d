using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Scheduling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>run &lt;shape&gt;</c>: open-loop traffic against one function, cold and warm measured apart.</summary>
public sealed class RunCommand(IAnsiConsole console) : AsyncCommand<RunSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var startedAt = DateTimeOffset.UtcNow;
        using var connection = new Connection(settings);
        var target = connection.Target;
        var options = settings.RunnerOptions();
        var runner = new OpenLoopRunner(target, options);
        var payload = settings.Payload();
        var expected = settings.Schedule().TakeWhile(t => t <= options.MaxDuration).Take(options.MaxRequests).Count();

        console.MarkupLine(Markup.Escape($"run {settings.Shape}: {expected} requests to {target.FunctionName} at {target.Description}"));
        var result = await LiveProgress.ShowAsync(console, expected, settings.NoProgress, () => runner.Completed,
            () => $"{settings.Shape}: {runner.Completed} answered, {runner.Sent - runner.Completed} in flight, {runner.Failed} failed",
            () => runner.RunAsync(settings.Schedule(), _ => payload, cancellationToken)).ConfigureAwait(false);

        var document = new ResultsDocument
        {
            Command = $"run {settings.Shape}",
            StartedAt = startedAt,
            Target = target.Description,
            Function = target.FunctionName,
            Architecture = settings.Architecture,
            Prices = settings.Prices,
            Interrupted = result.Interrupted,
            Variants = [new VariantResults(settings.Shape, null, result.Requests)],
        };
        return await Reporting.FinishAsync(console, document, settings.ParsedThresholds, settings.Out, []).ConfigureAwait(false);
    }
}
