using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// Writes a template as JSON and as YAML, both deterministic (same tree, same bytes: <c>\n</c> line ends, the tree's own key
/// order, UTF-8 without BOM). The YAML uses CloudFormation's long-form intrinsics (<c>Ref:</c>, <c>Fn::GetAtt:</c>), so it
/// needs no custom tags, and double-quotes every string, so nothing is read back as a number, a boolean or a date.
/// </summary>
internal static partial class TemplateWriter
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The template as indented JSON.</summary>
    public static string ToJson(JsonNode template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.ToJsonString(s_json) + "\n";
    }

    /// <summary>The template as YAML.</summary>
    public static string ToYaml(JsonObject template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var yaml = new StringBuilder();
        WriteMapping(yaml, template, 0);
        return yaml.ToString();
    }

    /// <summary>Writes a mapping's keys at <paramref name="indent"/>; in a sequence item the first key follows the "- ".</summary>
    private static void WriteMapping(StringBuilder yaml, JsonObject mapping, int indent, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in mapping)
        {
            if (!(first && firstInline))
            {
                yaml.Append(' ', indent);
            }

            first = false;
            yaml.Append(Key(key)).Append(':');
            WriteValue(yaml, value, indent);
        }
    }

    private static void WriteValue(StringBuilder yaml, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                yaml.Append(" {}\n");
                break;
            case JsonObject child:
                yaml.Append('\n');
                WriteMapping(yaml, child, indent + 2);
                break;
            case JsonArray { Count: 0 }:
                yaml.Append(" []\n");
                break;
            case JsonArray items:
                yaml.Append('\n');
                WriteSequence(yaml, items, indent + 2);
                break;
            default:
                yaml.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteSequence(StringBuilder yaml, JsonArray items, int indent)
    {
        foreach (var item in items)
        {
            yaml.Append(' ', indent).Append("- ");
            switch (item)
            {
                case JsonObject { Count: > 0 } mapping:
                    WriteMapping(yaml, mapping, indent + 2, firstInline: true);
                    break;
                case JsonArray { Count: > 0 } nested:
                    yaml.Append('\n');
                    WriteSequence(yaml, nested, indent + 2);
                    break;
                case JsonObject:
                    yaml.Append("{}\n");
                    break;
                case JsonArray:
                    yaml.Append("[]\n");
                    break;
                default:
                    yaml.Append(Scalar(item)).Append('\n');
                    break;
            }
        }
    }

    /// <summary>Plain keys where YAML reads them back as the same string; quoted otherwise.</summary>
    private static string Key(string key) => PlainKey().IsMatch(key) && !key.EndsWith(':') ? key : Quoted(key);

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quoted(v.GetValue<string>()),
        JsonValue v => v.ToJsonString(s_json),
        _ => throw new InvalidOperationException($"Not a scalar: {value}"),
    };

    // A JSON string is a valid YAML double-quoted scalar with the same value.
    private static string Quoted(string text) => JsonSerializer.Serialize(text, s_json);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.:-]*$")]
    private static partial Regex PlainKey();
}
