using System.Globalization;
using System.Text;

namespace LlamaAspire.LambdaContracts.Logs;

/// <summary>
/// The <c>INIT_REPORT</c> line Lambda writes when an init does not end in a ready runtime (timeout, error), and for SnapStart
/// and provisioned concurrency inits: <c>INIT_REPORT Init Duration: 9804.00 ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError</c>.
/// </summary>
public sealed record InitReportLine(double InitDurationMs, string Phase, string Status, string? ErrorType = null)
{
    /// <summary>The prefix every INIT_REPORT line starts with.</summary>
    public const string Prefix = "INIT_REPORT ";

    /// <summary>Value of <see cref="Phase"/> for the init phase proper.</summary>
    public const string InitPhase = "init";

    /// <summary>Value of <see cref="Phase"/> for a suppressed init retried inside the invoke.</summary>
    public const string InvokePhase = "invoke";

    /// <summary>The line as Lambda writes it.</summary>
    public string Format()
    {
        var line = new StringBuilder(Prefix, 128);
        line.Append(CultureInfo.InvariantCulture, $"Init Duration: {InitDurationMs:F2} ms\tPhase: {Phase}\tStatus: {Status}");
        if (ErrorType is not null)
        {
            line.Append("\tError Type: ").Append(ErrorType);
        }

        return line.ToString();
    }

    /// <summary>Parses one INIT_REPORT line; false for any other line.</summary>
    public static bool TryParse(string? line, out InitReportLine? report)
    {
        report = null;
        if (line is null || !line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var fields = LogFields.Parse(line.AsSpan(Prefix.Length));
        if (!LogFields.TryMilliseconds(fields, "Init Duration", out var duration)
            || !fields.TryGetValue("Phase", out var phase) || !fields.TryGetValue("Status", out var status))
        {
            return false;
        }

        report = new InitReportLine(duration, phase, status, fields.GetValueOrDefault("Error Type"));
        return true;
    }
}
