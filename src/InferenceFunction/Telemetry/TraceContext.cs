using System.Diagnostics;

namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>Parent contexts from the platform: W3C traceparent and the X-Ray trace header Lambda passes per invoke.</summary>
public static class TraceContext
{
    /// <summary>W3C <c>00-{32 hex}-{16 hex}-{2 hex}</c>.</summary>
    public static bool TryParseTraceParent(string? value, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrWhiteSpace(value) && ActivityContext.TryParse(value.Trim(), null, isRemote: true, out context);
    }

    /// <summary>
    /// X-Ray <c>Root=1-{8 hex}-{24 hex};Parent={16 hex};Sampled=1</c> → W3C trace id (8+24 hex), span id = Parent.
    /// </summary>
    public static bool TryParseXRay(string? header, out ActivityContext context)
    {
        context = default;
        if (string.IsNullOrWhiteSpace(header)) return false;
        string? root = null, parent = null;
        bool sampled = false;
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key.Equals("Root", StringComparison.OrdinalIgnoreCase)) root = value;
            else if (key.Equals("Parent", StringComparison.OrdinalIgnoreCase)) parent = value;
            else if (key.Equals("Sampled", StringComparison.OrdinalIgnoreCase)) sampled = value == "1";
        }
        if (root is null || parent is null || parent.Length != 16) return false;
        var pieces = root.Split('-');
        if (pieces.Length != 3 || pieces[0] != "1" || pieces[1].Length != 8 || pieces[2].Length != 24) return false;
        string traceId = (pieces[1] + pieces[2]).ToLowerInvariant();
        if (!IsHex(traceId) || !IsHex(parent)) return false;
        context = new ActivityContext(
            ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(parent.ToLowerInvariant()),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
        return true;
    }

    static bool IsHex(string s)
    {
        foreach (char c in s)
            if (!char.IsAsciiHexDigit(c)) return false;
        return s.Length > 0 && s.Any(c => c != '0');
    }
}
