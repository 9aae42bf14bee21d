using LlamaAspire.LoadGen.Scheduling;
using Spectre.Console;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>A run with a live progress bar: answered of expected, in flight and failures, refreshed 10 times a second.</summary>
public static class LiveProgress
{
    /// <summary>Runs <paramref name="run"/> while showing <paramref name="runner"/>'s counters (or nothing with <paramref name="quiet"/>).</summary>
    public static async Task<RunResult> ShowAsync(IAnsiConsole console, string label, OpenLoopRunner runner, int expected, bool quiet, Func<Task<RunResult>> run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(run);
        if (quiet || !console.Profile.Capabilities.Interactive)
        {
            return await run().ConfigureAwait(false);
        }

        RunResult? result = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(1, expected));
                var running = run();
                while (!running.IsCompleted)
                {
                    Update(task, label, runner);
                    await Task.WhenAny(running, Task.Delay(100)).ConfigureAwait(false);
                }

                Update(task, label, runner);
                result = await running.ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result!;
    }

    private static void Update(ProgressTask task, string label, OpenLoopRunner runner)
    {
        task.Value = runner.Completed;
        task.Description = Markup.Escape($"{label}: {runner.Completed} answered, {runner.Sent - runner.Completed} in flight, {runner.Failed} failed");
    }
}
