using System.Globalization;
using System.Text;

namespace LlamaAspire.LambdaContracts.Logs;

/// <summary>
/// The <c>REPORT</c> line Lambda writes at the end of every invoke, and which <c>X-Amz-Log-Result</c> ends with:
/// <c>REPORT RequestId: {id}\tDuration: 12.68 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 93 MB</c>, then
/// on a cold start <c>\tInit Duration: 295.33 ms</c>, after a SnapStart restore <c>\tRestore Duration: …\tBilled Restore Duration: …</c>,
/// with tracing <c>\tXRAY TraceId: …\tSegmentId: …\tSampled: true</c>, and on a platform failure <c>\tStatus: …\tError Type: …</c>.
/// </summary>
public sealed record ReportLine(
    string RequestId,
    double DurationMs,
    double BilledDurationMs,
    int MemorySizeMb,
    long MaxMemoryUsedMb)
{
    /// <summary>The prefix every REPORT line starts with.</summary>
    public const string Prefix = "REPORT RequestId: ";

    /// <summary>The init phase of the cold start this invoke triggered.</summary>
    public double? InitDurationMs { get; init; }

    /// <summary>SnapStart: the restore of the snapshot.</summary>
    public double? RestoreDurationMs { get; init; }

    /// <summary>SnapStart: the billed part of the restore.</summary>
    public double? BilledRestoreDurationMs { get; init; }

    /// <summary><c>timeout</c> or <c>error</c> when the platform ended the invoke; null on success.</summary>
    public string? Status { get; init; }

    /// <summary>The error type that goes with <see cref="Status"/> <c>error</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>X-Ray trace id, when active tracing is on.</summary>
    public string? XRayTraceId { get; init; }

    /// <summary>X-Ray segment id, when active tracing is on.</summary>
    public string? XRaySegmentId { get; init; }

    /// <summary>True when this invoke was a cold start (it carries an init or restore duration).</summary>
    public bool IsColdStart => InitDurationMs is not null || RestoreDurationMs is not null;

    /// <summary>The line as Lambda writes it (no trailing newline).</summary>
    public string Format()
    {
        var line = new StringBuilder(192);
        var c = CultureInfo.InvariantCulture;
        line.Append(Prefix).Append(RequestId)
            .Append(c, $"\tDuration: {DurationMs:F2} ms\tBilled Duration: {BilledDurationMs:F0} ms")
            .Append(c, $"\tMemory Size: {MemorySizeMb} MB\tMax Memory Used: {MaxMemoryUsedMb} MB");
        if (InitDurationMs is { } init)
        {
            line.Append(c, $"\tInit Duration: {init:F2} ms");
        }

        if (RestoreDurationMs is { } restore)
        {
            line.Append(c, $"\tRestore Duration: {restore:F2} ms");
        }

        if (BilledRestoreDurationMs is { } billedRestore)
        {
            line.Append(c, $"\tBilled Restore Duration: {billedRestore:F0} ms");
        }

        if (XRayTraceId is not null)
        {
            line.Append("\tXRAY TraceId: ").Append(XRayTraceId).Append("\tSegmentId: ").Append(XRaySegmentId).Append("\tSampled: true");
        }

        if (Status is not null)
        {
            line.Append("\tStatus: ").Append(Status);
        }

        if (ErrorType is not null)
        {
            line.Append("\tError Type: ").Append(ErrorType);
        }

        return line.ToString();
    }

    /// <summary>Parses one REPORT line (Lambda's, the emulator's or the Runtime Interface Emulator's); false for any other line.</summary>
    public static bool TryParse(string? line, out ReportLine? report)
    {
        report = null;
        if (line is null || !line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var fields = LogFields.Parse(line.AsSpan("REPORT ".Length));
        if (!fields.TryGetValue("RequestId", out var requestId)
            || !LogFields.TryMilliseconds(fields, "Duration", out var duration)
            || !LogFields.TryMilliseconds(fields, "Billed Duration", out var billed)
            || !LogFields.TryMegabytes(fields, "Memory Size", out var memory)
            || !LogFields.TryMegabytes(fields, "Max Memory Used", out var used))
        {
            return false;
        }

        report = new ReportLine(requestId, duration, billed, (int)memory, used)
        {
            InitDurationMs = LogFields.OptionalMilliseconds(fields, "Init Duration"),
            RestoreDurationMs = LogFields.OptionalMilliseconds(fields, "Restore Duration"),
            BilledRestoreDurationMs = LogFields.OptionalMilliseconds(fields, "Billed Restore Duration"),
            Status = fields.GetValueOrDefault("Status"),
            ErrorType = fields.GetValueOrDefault("Error Type"),
            XRayTraceId = fields.GetValueOrDefault("XRAY TraceId"),
            XRaySegmentId = fields.GetValueOrDefault("SegmentId"),
        };
        return true;
    }
}
