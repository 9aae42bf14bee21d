using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Scheduling;

/// <summary>Every scheduled request of a run, in schedule order, and how the run ended.</summary>
public sealed record RunResult(IReadOnlyList<RequestRecord> Requests, TimeSpan Elapsed, bool Interrupted);
