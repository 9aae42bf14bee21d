namespace LlamaAspire.LoadGen.Tests;

/// <summary>
/// Tests that assert on wall-clock timing against the slow local target (sends before answers, concurrency at the
/// server): on a 2-core machine they failed while chromium or the tiny model ran beside them, so they run alone, after
/// the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing-sensitive";
}
