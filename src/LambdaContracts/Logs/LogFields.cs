using System.Globalization;

namespace LlamaAspire.LambdaContracts.Logs;

/// <summary>The <c>Key: value</c> fields of a platform line, tab-separated (some writers end the line with a tab).</summary>
internal static class LogFields
{
    public static Dictionary<string, string> Parse(ReadOnlySpan<char> text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in text.Split('\t'))
        {
            var field = text[range].Trim();
            var colon = field.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                fields[field[..colon].ToString()] = field[(colon + 2)..].Trim().ToString();
            }
        }

        return fields;
    }

    /// <summary><c>12.68 ms</c> or <c>9804ms</c>.</summary>
    public static bool TryMilliseconds(Dictionary<string, string> fields, string key, out double value) =>
        TryNumber(fields, key, "ms", out value);

    public static bool TryMegabytes(Dictionary<string, string> fields, string key, out long value)
    {
        var ok = TryNumber(fields, key, "MB", out var number);
        value = (long)number;
        return ok;
    }

    public static double? OptionalMilliseconds(Dictionary<string, string> fields, string key) =>
        TryMilliseconds(fields, key, out var value) ? value : null;

    private static bool TryNumber(Dictionary<string, string> fields, string key, string unit, out double value)
    {
        value = 0;
        if (!fields.TryGetValue(key, out var text))
        {
            return false;
        }

        var number = text.EndsWith(unit, StringComparison.Ordinal) ? text[..^unit.Length].TrimEnd() : text;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
