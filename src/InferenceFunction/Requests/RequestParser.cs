using System.Text;
using System.Text.Json;
using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>
/// Parses <c>{ "prompt" | "messages", max_tokens, temperature, top_p, top_k, seed, stop, stream }</c>, directly or wrapped in
/// an API Gateway v2 / function URL event. Every error says what is wrong and where.
/// </summary>
public static class RequestParser
{
    public const float MaxTemperature = 2f;
    public const int MaxStopSequences = 16;
    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public static InferenceRequest Parse(ReadOnlySpan<byte> payload, int contextLength, int maxRequestBytes)
    {
        if (payload.Length > maxRequestBytes)
        {
            throw new InvalidRequestException($"The request is {payload.Length} bytes; the limit is {maxRequestBytes} bytes.");
        }

        using var doc = ParseJson(payload, "The request");
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException($"The request must be a JSON object (got {Kind(root)}).");
        }

        if (IsApiGatewayEvent(root))
        {
            string? traceParent = Header(root, "traceparent");
            byte[] body = Body(root);
            if (body.Length > maxRequestBytes)
            {
                throw new InvalidRequestException($"The HTTP body is {body.Length} bytes; the limit is {maxRequestBytes} bytes.");
            }

            using var inner = ParseJson(body, "The HTTP body");
            if (inner.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestException($"The HTTP body must be a JSON object (got {Kind(inner.RootElement)}).");
            }

            return ParseBody(inner.RootElement, contextLength) with { IsHttp = true, TraceParent = traceParent };
        }
        return ParseBody(root, contextLength);
    }

    /// <summary>API Gateway HTTP API (payload 2.0) and function URL events: a string body plus requestContext/routeKey/rawPath.</summary>
    public static bool IsApiGatewayEvent(JsonElement root) =>
        root.TryGetProperty("body", out var body) && body.ValueKind is JsonValueKind.String or JsonValueKind.Null &&
        (root.TryGetProperty("requestContext", out _) || root.TryGetProperty("rawPath", out _) || root.TryGetProperty("routeKey", out _) ||
         (root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "2.0"));

    static byte[] Body(JsonElement root)
    {
        string? body = root.GetProperty("body").GetString();
        if (string.IsNullOrEmpty(body))
        {
            throw new InvalidRequestException("The HTTP body is empty; send a JSON object with 'prompt' or 'messages'.");
        }

        bool base64 = root.TryGetProperty("isBase64Encoded", out var b) && b.ValueKind == JsonValueKind.True;
        if (!base64)
        {
            return Encoding.UTF8.GetBytes(body);
        }

        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException)
        {
            throw new InvalidRequestException("The HTTP body is marked isBase64Encoded but is not valid base64.");
        }
    }

    static string? Header(JsonElement root, string name)
    {
        if (!root.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var h in headers.EnumerateObject())
        {
            if (h.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && h.Value.ValueKind == JsonValueKind.String)
            {
                return h.Value.GetString();
            }
        }

        return null;
    }

    static JsonDocument ParseJson(ReadOnlySpan<byte> utf8, string what)
    {
        if (utf8.IsEmpty || utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InvalidRequestException($"{what} is empty; send a JSON object with 'prompt' or 'messages'.");
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException($"{what} is not valid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {FirstSentence(ex.Message)}");
        }
    }

    static string FirstSentence(string message)
    {
        int i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    static InferenceRequest ParseBody(JsonElement o, int contextLength)
    {
        bool hasPrompt = o.TryGetProperty("prompt", out var prompt) && prompt.ValueKind != JsonValueKind.Null;
        bool hasMessages = o.TryGetProperty("messages", out var messages) && messages.ValueKind != JsonValueKind.Null;
        if (hasPrompt && hasMessages)
        {
            throw new InvalidRequestException("Give either 'prompt' or 'messages', not both.");
        }

        if (!hasPrompt && !hasMessages)
        {
            throw new InvalidRequestException("The request needs 'prompt' (a string) or 'messages' (an array of {role, content}).");
        }

        string? promptText = null;
        List<ChatMessage>? chat = null;
        if (hasPrompt)
        {
            if (prompt.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRequestException($"'prompt' must be a string (got {Kind(prompt)}).");
            }

            promptText = prompt.GetString()!;
            if (string.IsNullOrWhiteSpace(promptText))
            {
                throw new InvalidRequestException("'prompt' is empty.");
            }
        }
        else
        {
            chat = ParseMessages(messages);
        }

        int? maxTokens = null;
        if (Present(o, "max_tokens", out var mt))
        {
            if (mt.ValueKind != JsonValueKind.Number || !mt.TryGetInt64(out long m))
            {
                throw new InvalidRequestException($"'max_tokens' must be an integer between 1 and {contextLength} (got {Raw(mt)}).");
            }

            if (m < 1 || m > contextLength)
            {
                throw new InvalidRequestException($"'max_tokens' must be between 1 and {contextLength} (got {m}).");
            }

            maxTokens = (int)m;
        }

        float temperature = 0f;
        if (Present(o, "temperature", out var t))
        {
            temperature = Number(t, "temperature");
            if (!(temperature >= 0f && temperature <= MaxTemperature))
            {
                throw new InvalidRequestException($"'temperature' must be between 0 and {MaxTemperature} (got {Raw(t)}).");
            }
        }

        float topP = 1f;
        if (Present(o, "top_p", out var p))
        {
            topP = Number(p, "top_p");
            if (!(topP > 0f && topP <= 1f))
            {
                throw new InvalidRequestException($"'top_p' must be greater than 0 and at most 1 (got {Raw(p)}).");
            }
        }

        int topK = 0;
        if (Present(o, "top_k", out var k))
        {
            if (k.ValueKind != JsonValueKind.Number || !k.TryGetInt32(out topK) || topK < 0)
            {
                throw new InvalidRequestException($"'top_k' must be a non-negative integer, 0 for no limit (got {Raw(k)}).");
            }
        }

        ulong seed = 0;
        if (Present(o, "seed", out var s))
        {
            if (s.ValueKind == JsonValueKind.Number && s.TryGetUInt64(out var u))
            {
                seed = u;
            }
            else if (s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var l))
            {
                seed = unchecked((ulong)l);
            }
            else
            {
                throw new InvalidRequestException($"'seed' must be an integer (got {Raw(s)}).");
            }
        }

        var stop = new List<string>();
        if (Present(o, "stop", out var st))
        {
            if (st.ValueKind == JsonValueKind.String)
            {
                if (st.GetString() is not { Length: > 0 } one)
                {
                    throw new InvalidRequestException("'stop' must not be an empty string.");
                }

                stop.Add(one);
            }
            else if (st.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var item in st.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } text)
                    {
                        throw new InvalidRequestException($"'stop[{i}]' must be a non-empty string (got {Raw(item)}).");
                    }

                    stop.Add(text);
                    i++;
                }
                if (stop.Count > MaxStopSequences)
                {
                    throw new InvalidRequestException($"'stop' has {stop.Count} sequences; at most {MaxStopSequences} are allowed.");
                }
            }
            else
            {
                throw new InvalidRequestException($"'stop' must be a string or an array of strings (got {Kind(st)}).");
            }
        }

        bool stream = false;
        if (Present(o, "stream", out var sm))
        {
            if (sm.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new InvalidRequestException($"'stream' must be true or false (got {Raw(sm)}).");
            }

            stream = sm.GetBoolean();
        }

        return new InferenceRequest
        {
            Prompt = promptText, Messages = chat, MaxTokens = maxTokens, Temperature = temperature, TopP = topP, TopK = topK,
            Seed = seed, Stop = stop, Stream = stream,
        };
    }

    static List<ChatMessage> ParseMessages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException($"'messages' must be an array of {{role, content}} (got {Kind(messages)}).");
        }

        var list = new List<ChatMessage>();
        int i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestException($"'messages[{i}]' must be an object with 'role' and 'content' (got {Kind(m)}).");
            }

            if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRequestException($"'messages[{i}].role' is required and must be a string.");
            }

            string r = role.GetString()!;
            if (!ChatMessage.KnownRoles.Contains(r, StringComparer.Ordinal))
            {
                throw new InvalidRequestException($"'messages[{i}].role' must be one of {string.Join(", ", ChatMessage.KnownRoles)} (got '{r}').");
            }

            if (!m.TryGetProperty("content", out var content))
            {
                throw new InvalidRequestException($"'messages[{i}].content' is required.");
            }

            list.Add(new ChatMessage(r, Content(content, i)));
            i++;
        }
        if (list.Count == 0)
        {
            throw new InvalidRequestException("'messages' is empty.");
        }

        if (list.All(m => string.IsNullOrWhiteSpace(m.Content)))
        {
            throw new InvalidRequestException("Every message in 'messages' has empty content.");
        }

        return list;
    }

    /// <summary>A string, or OpenAI-style parts [{type: "text", text}].</summary>
    static string Content(JsonElement content, int i)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            var sb = new StringBuilder();
            int j = 0;
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidRequestException($"'messages[{i}].content[{j}]' must be a text part {{\"type\": \"text\", \"text\": \"…\"}}.");
                }

                sb.Append(text.GetString());
                j++;
            }
            return sb.ToString();
        }
        throw new InvalidRequestException($"'messages[{i}].content' must be a string (got {Kind(content)}).");
    }

    static bool Present(JsonElement o, string name, out JsonElement value) =>
        o.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    static float Number(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            throw new InvalidRequestException($"'{name}' must be a number (got {Raw(e)}).");
        }

        return (float)d;
    }

    static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    static string Raw(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }
}
