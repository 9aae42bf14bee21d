namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>
/// An init phase started before its span can be (before telemetry is set up), on a thread of its own: it records when it
/// ran, and <see cref="InitPhases.JoinAsync{T}"/> turns that into its span once it is awaited.
/// </summary>
public sealed class BackgroundPhase<T>
{
    BackgroundPhase(Func<T> work)
    {
        // A dedicated thread, not the pool: at process start the pool has as many threads as cores, and the tokenizer
        // task is already on one of them.
        Task = System.Threading.Tasks.Task.Factory.StartNew(() =>
        {
            StartTime = DateTimeOffset.UtcNow;
            try
            {
                return work();
            }
            finally
            {
                EndTime = DateTimeOffset.UtcNow;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The work's result (or its exception).</summary>
    public Task<T> Task { get; }

    /// <summary>When the work started on its thread (valid once <see cref="Task"/> completed).</summary>
    public DateTimeOffset StartTime { get; private set; }

    /// <summary>When the work ended (valid once <see cref="Task"/> completed).</summary>
    public DateTimeOffset EndTime { get; private set; }

    internal static BackgroundPhase<T> Start(Func<T> work) => new(work);
}

/// <summary>Starts <see cref="BackgroundPhase{T}"/>s.</summary>
public static class BackgroundPhase
{
    /// <summary>Starts <paramref name="work"/> now, on a thread of its own.</summary>
    public static BackgroundPhase<T> Start<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return BackgroundPhase<T>.Start(work);
    }
}
