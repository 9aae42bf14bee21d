namespace LlamaAspire.LoadGen.Tuning;

/// <summary>One memory size's measured figures: the latency compared (p50, ms) and the mean cost of an invoke ($).</summary>
public sealed record TuneCandidate(int MemorySizeMb, double LatencyMs, decimal CostPerInvoke);
