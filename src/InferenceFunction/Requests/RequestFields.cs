using System.Text;
using System.Text.Json;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>
/// The request fields both APIs share (the function's own JSON and OpenAI's), each read and checked once. Every error
/// names the field (<see cref="InvalidRequestException.Param"/>) and says what was wrong with it.
/// </summary>
internal static class RequestFields
{
    public const float MaxTemperature = 2f;
    public const int MaxStopSequences = 16;

    public static bool Present(JsonElement o, string name, out JsonElement value) =>
        o.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string Prompt(JsonElement prompt, string name = "prompt")
    {
        if (prompt.ValueKind != JsonValueKind.String)
        {
            throw new InvalidRequestException($"'{name}' must be a string (got {Kind(prompt)}).", name);
        }

        var text = prompt.GetString()!;
        return string.IsNullOrWhiteSpace(text) ? throw new InvalidRequestException($"'{name}' is empty.", name) : text;
    }

    public static int? MaxTokens(JsonElement o, string name, int contextLength)
    {
        if (!Present(o, name, out var mt))
        {
            return null;
        }

        if (mt.ValueKind != JsonValueKind.Number || !mt.TryGetInt64(out long m))
        {
            throw new InvalidRequestException($"'{name}' must be an integer between 1 and {contextLength} (got {Raw(mt)}).", name);
        }

        return m < 1 || m > contextLength
            ? throw new InvalidRequestException($"'{name}' must be between 1 and {contextLength} (got {m}).", name)
            : (int)m;
    }

    public static float Temperature(JsonElement o, float absent)
    {
        if (!Present(o, "temperature", out var t))
        {
            return absent;
        }

        float temperature = Number(t, "temperature");
        return temperature is >= 0f and <= MaxTemperature
            ? temperature
            : throw new InvalidRequestException($"'temperature' must be between 0 and {MaxTemperature} (got {Raw(t)}).", "temperature");
    }

    public static float TopP(JsonElement o)
    {
        if (!Present(o, "top_p", out var p))
        {
            return 1f;
        }

        float topP = Number(p, "top_p");
        return topP is > 0f and <= 1f
            ? topP
            : throw new InvalidRequestException($"'top_p' must be greater than 0 and at most 1 (got {Raw(p)}).", "top_p");
    }

    public static int TopK(JsonElement o)
    {
        if (!Present(o, "top_k", out var k))
        {
            return 0;
        }

        return k.ValueKind == JsonValueKind.Number && k.TryGetInt32(out int topK) && topK >= 0
            ? topK
            : throw new InvalidRequestException($"'top_k' must be a non-negative integer, 0 for no limit (got {Raw(k)}).", "top_k");
    }

    public static ulong? Seed(JsonElement o)
    {
        if (!Present(o, "seed", out var s))
        {
            return null;
        }

        if (s.ValueKind == JsonValueKind.Number && s.TryGetUInt64(out var u))
        {
            return u;
        }

        return s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var l)
            ? unchecked((ulong)l)
            : throw new InvalidRequestException($"'seed' must be an integer (got {Raw(s)}).", "seed");
    }

    public static List<string> Stop(JsonElement o)
    {
        var stop = new List<string>();
        if (!Present(o, "stop", out var st))
        {
            return stop;
        }

        if (st.ValueKind == JsonValueKind.String)
        {
            stop.Add(st.GetString() is { Length: > 0 } one ? one : throw new InvalidRequestException("'stop' must not be an empty string.", "stop"));
            return stop;
        }

        if (st.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException($"'stop' must be a string or an array of strings (got {Kind(st)}).", "stop");
        }

        int i = 0;
        foreach (var item in st.EnumerateArray())
        {
            stop.Add(item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text
                ? text
                : throw new InvalidRequestException($"'stop[{i}]' must be a non-empty string (got {Raw(item)}).", "stop"));
            i++;
        }

        return stop.Count > MaxStopSequences
            ? throw new InvalidRequestException($"'stop' has {stop.Count} sequences; at most {MaxStopSequences} are allowed.", "stop")
            : stop;
    }

    public static bool Boolean(JsonElement o, string name)
    {
        if (!Present(o, name, out var b))
        {
            return false;
        }

        return b.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? b.GetBoolean()
            : throw new InvalidRequestException($"'{name}' must be true or false (got {Raw(b)}).", name);
    }

    /// <summary><c>messages</c>: an array of {role, content}; <paramref name="roles"/> maps each accepted role to the chat template's.</summary>
    public static List<ChatMessage> Messages(JsonElement messages, IReadOnlyDictionary<string, string> roles)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException($"'messages' must be an array of {{role, content}} (got {Kind(messages)}).", "messages");
        }

        var list = new List<ChatMessage>();
        int i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestException($"'messages[{i}]' must be an object with 'role' and 'content' (got {Kind(m)}).", "messages");
            }

            if (!m.TryGetProperty("role", out var r) || r.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRequestException($"'messages[{i}].role' is required and must be a string.", "messages");
            }

            string name = r.GetString()!;
            string mapped = roles.TryGetValue(name, out var templateRole) ? templateRole : throw new InvalidRequestException(
                $"'messages[{i}].role' must be one of {string.Join(", ", roles.Keys)} (got '{name}').", "messages");
            if (!m.TryGetProperty("content", out var content))
            {
                throw new InvalidRequestException($"'messages[{i}].content' is required.", "messages");
            }

            list.Add(new ChatMessage(mapped, Content(content, i)));
            i++;
        }

        if (list.Count == 0)
        {
            throw new InvalidRequestException("'messages' is empty.", "messages");
        }

        return list.All(m => string.IsNullOrWhiteSpace(m.Content))
            ? throw new InvalidRequestException("Every message in 'messages' has empty content.", "messages")
            : list;
    }

    /// <summary>A string, or OpenAI-style parts [{type: "text", text}].</summary>
    static string Content(JsonElement content, int i)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException($"'messages[{i}].content' must be a string (got {Kind(content)}).", "messages");
        }

        var sb = new StringBuilder();
        int j = 0;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRequestException($"'messages[{i}].content[{j}]' must be a text part {{\"type\": \"text\", \"text\": \"…\"}}.", "messages");
            }

            sb.Append(text.GetString());
            j++;
        }
        return sb.ToString();
    }

    static float Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d)
            ? (float)d
            : throw new InvalidRequestException($"'{name}' must be a number (got {Raw(e)}).", name);

    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    public static string Raw(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }
}
