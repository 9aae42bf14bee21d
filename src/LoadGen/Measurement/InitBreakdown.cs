namespace LlamaAspire.LoadGen.Measurement;

/// <summary>
/// The function's own account of a cold start, from its answer's <c>timings.init</c>: the total and each phase, keyed by the
/// span names of <see cref="LambdaContracts.Telemetry.FunctionTelemetryNames"/>.
/// </summary>
public sealed record InitBreakdown(double? TotalMs, IReadOnlyDictionary<string, double> Phases);
