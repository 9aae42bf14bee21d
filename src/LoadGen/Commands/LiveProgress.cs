using Spectre.Console;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>A run with a live progress bar: done of expected and a status line, refreshed 10 times a second.</summary>
public static class LiveProgress
{
    /// <summary>Runs <paramref name="run"/> while showing <paramref name="done"/> and <paramref name="status"/> (or nothing with <paramref name="quiet"/>).</summary>
    public static async Task<T> ShowAsync<T>(IAnsiConsole console, int expected, bool quiet, Func<int> done, Func<string> status, Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(run);
        if (quiet || !console.Profile.Capabilities.Interactive)
        {
            return await run().ConfigureAwait(false);
        }

        var result = default(T);
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(status()), maxValue: Math.Max(1, expected));
                var running = run();
                while (!running.IsCompleted)
                {
                    Update(task, done, status);
                    await Task.WhenAny(running, Task.Delay(100)).ConfigureAwait(false);
                }

                Update(task, done, status);
                result = await running.ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result!;
    }

    private static void Update(ProgressTask task, Func<int> done, Func<string> status)
    {
        task.Value = done();
        task.Description = Markup.Escape(status());
    }
}
