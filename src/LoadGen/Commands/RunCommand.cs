using LlamaAspire.LoadGen.Scheduling;
using Spectre.Console;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>run &lt;shape&gt;</c>: open-loop traffic against one function, cold and warm measured apart.</summary>
public sealed class RunCommand(IAnsiConsole console) : MeasuringCommand<RunSettings>(console)
{
    /// <inheritdoc />
    protected override async Task<int> MeasureAsync(Connection connection, RunSettings settings, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var target = connection.Target;
        var options = settings.RunnerOptions();
        var runner = new OpenLoopRunner(target, options);
        var payload = settings.Payload();
        var expected = settings.Schedule().TakeWhile(t => t <= options.MaxDuration).Take(options.MaxRequests).Count();

        Console.MarkupLine(Markup.Escape($"run {settings.Shape}: {expected} requests to {target.FunctionName} at {target.Description}"));
        var result = await LiveProgress.ShowAsync(Console, expected, settings.NoProgress, () => runner.Completed,
            () => $"{settings.Shape}: {runner.Completed} answered, {runner.Sent - runner.Completed} in flight, {runner.Failed} failed",
            () => runner.RunAsync(settings.Schedule(), _ => payload, cancellationToken)).ConfigureAwait(false);

        var document = Document($"run {settings.Shape}", settings, connection, startedAt, settings.Shape, result);
        return await Reporting.FinishAsync(Console, document, settings.ParsedThresholds, settings.Out).ConfigureAwait(false);
    }
}
