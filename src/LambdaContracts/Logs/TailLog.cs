using System.Text;

namespace LlamaAspire.LambdaContracts.Logs;

/// <summary>The log tail <c>X-Amz-Log-Result</c> carries (base64 of the last 4 KB of the invoke's log), decoded and parsed.</summary>
public sealed record TailLog(IReadOnlyList<string> Lines, ReportLine? Report, InitReportLine? InitReport)
{
    /// <summary>Decodes the header value; a value that is not base64 is a <see cref="FormatException"/> naming the header.</summary>
    public static TailLog FromHeader(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{InvokeApi.Headers.LogResult} is not base64: {ex.Message}", ex);
        }

        return Parse(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Parses log text: the last REPORT and INIT_REPORT lines it holds.</summary>
    public static TailLog Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        ReportLine? report = null;
        InitReportLine? initReport = null;
        foreach (var line in lines)
        {
            if (ReportLine.TryParse(line, out var r))
            {
                report = r;
            }
            else if (InitReportLine.TryParse(line, out var i))
            {
                initReport = i;
            }
        }

        return new TailLog(lines, report, initReport);
    }
}
