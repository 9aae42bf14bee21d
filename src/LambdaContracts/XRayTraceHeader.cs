using System.Diagnostics;

namespace LlamaAspire.LambdaContracts;

/// <summary>
/// The X-Ray trace header ⇄ W3C trace context: <c>Root=1-{8 hex}-{24 hex};Parent={16 hex};Sampled=1</c> carries the same
/// 128-bit trace id (epoch part + random part) and 64-bit parent span id as <c>00-{32 hex}-{16 hex}-01</c>.
/// </summary>
public static class XRayTraceHeader
{
    /// <summary>The header for a W3C context.</summary>
    public static string Format(ActivityTraceId traceId, ActivitySpanId parentSpanId, bool sampled = true)
    {
        var hex = traceId.ToHexString();
        return $"Root=1-{hex[..8]}-{hex[8..]};Parent={parentSpanId.ToHexString()};Sampled={(sampled ? '1' : '0')}";
    }

    /// <summary>Parses a header into a remote W3C context; false when Root or Parent is missing or malformed.</summary>
    public static bool TryParse(string? header, out ActivityContext context)
    {
        context = default;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        string? root = null, parent = null;
        var sampled = false;
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key.Equals("Root", StringComparison.OrdinalIgnoreCase))
            {
                root = value;
            }
            else if (key.Equals("Parent", StringComparison.OrdinalIgnoreCase))
            {
                parent = value;
            }
            else if (key.Equals("Sampled", StringComparison.OrdinalIgnoreCase))
            {
                sampled = value == "1";
            }
        }

        if (root is null || parent is null || parent.Length != 16)
        {
            return false;
        }

        var pieces = root.Split('-');
        if (pieces.Length != 3 || pieces[0] != "1" || pieces[1].Length != 8 || pieces[2].Length != 24)
        {
            return false;
        }

        var traceId = (pieces[1] + pieces[2]).ToLowerInvariant();
        if (!IsNonZeroHex(traceId) || !IsNonZeroHex(parent))
        {
            return false;
        }

        context = new ActivityContext(
            ActivityTraceId.CreateFromString(traceId),
            ActivitySpanId.CreateFromString(parent.ToLowerInvariant()),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None,
            isRemote: true);
        return true;
    }

    /// <summary>Parses a W3C <c>traceparent</c> (<c>00-{32 hex}-{16 hex}-{2 hex}</c>) into a remote context.</summary>
    public static bool TryParseTraceParent(string? traceparent, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrWhiteSpace(traceparent) && ActivityContext.TryParse(traceparent.Trim(), null, isRemote: true, out context);
    }

    private static bool IsNonZeroHex(string value)
    {
        var nonZero = false;
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            nonZero |= c != '0';
        }

        return nonZero;
    }
}
