using LlamaAspire.LambdaContracts.Logs;

namespace LlamaAspire.LoadGen.Measurement;

/// <summary>The REPORT line's figures LoadGen keeps (parsed by <see cref="ReportLine"/>).</summary>
public sealed record ReportFields(
    double DurationMs,
    double BilledDurationMs,
    double? InitDurationMs,
    int MemorySizeMb,
    long MaxMemoryUsedMb)
{
    /// <summary>A cold start: the REPORT carries an Init Duration.</summary>
    public bool IsColdStart => InitDurationMs is not null;

    /// <summary>The figures of a parsed REPORT line.</summary>
    public static ReportFields From(ReportLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new(line.DurationMs, line.BilledDurationMs, line.InitDurationMs ?? line.RestoreDurationMs, line.MemorySizeMb, line.MaxMemoryUsedMb);
    }
}
