using System.Text.Json;

namespace LlamaAspire.LoadGen.Measurement;

/// <summary>
/// What the inference function reports about itself in its JSON answer: <c>usage</c>, <c>timings</c> and, on a cold start,
/// <c>timings.init</c>. Every member is optional: another function, an error body or an older build leave them null.
/// <paramref name="PrefillMs"/> is <c>timings.prefill_ms</c>: on a cold start, the environment's first prefill, which the init
/// breakdown shows after the init phases (the first run of the model pays for lazily built kernels and cold caches).
/// </summary>
public sealed record FunctionAnswer(
    int? PromptTokens,
    int? CompletionTokens,
    double? TimeToFirstTokenMs,
    double? DecodeTokensPerSecond,
    bool? ColdStart,
    InitBreakdown? Init,
    double? PrefillMs = null)
{
    /// <summary>Reads an answer body (the buffered JSON, or the final event of a stream); null when it is not a JSON object.</summary>
    public static FunctionAnswer? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads a streamed answer (server-sent events <c>data: {json}</c>, ending with <c>data: [DONE]</c>): the last event
    /// that carries <c>usage</c> or <c>timings</c>, or a buffered JSON body if the function did not stream.
    /// </summary>
    public static FunctionAnswer? ParseStream(ReadOnlySpan<byte> body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        if (!text.StartsWith("data:", StringComparison.Ordinal))
        {
            return Parse(body);
        }

        FunctionAnswer? last = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal) || !line.Contains('{', StringComparison.Ordinal))
            {
                continue;
            }

            var answer = Parse(System.Text.Encoding.UTF8.GetBytes(line["data:".Length..].Trim()));
            if (answer is { CompletionTokens: not null } or { TimeToFirstTokenMs: not null })
            {
                last = answer;
            }
        }

        return last;
    }

    /// <summary>Reads the members from a parsed answer; null when it is not a JSON object.</summary>
    public static FunctionAnswer? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var usage = Member(root, "usage");
        var timings = Member(root, "timings");
        return new FunctionAnswer(
            Int(usage, "prompt_tokens"),
            Int(usage, "completion_tokens"),
            Number(timings, "time_to_first_token_ms"),
            Number(timings, "decode_tokens_per_second"),
            Member(timings, "cold_start") is { ValueKind: JsonValueKind.True or JsonValueKind.False } cold ? cold.GetBoolean() : null,
            ReadInit(Member(timings, "init")),
            Number(timings, "prefill_ms"));
    }

    private static InitBreakdown? ReadInit(JsonElement? init)
    {
        if (init is not { ValueKind: JsonValueKind.Object } value)
        {
            return null;
        }

        var phases = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Member(value, "phases") is { ValueKind: JsonValueKind.Object } phaseObject)
        {
            foreach (var phase in phaseObject.EnumerateObject())
            {
                if (phase.Value.ValueKind == JsonValueKind.Number)
                {
                    phases[phase.Name] = phase.Value.GetDouble();
                }
            }
        }

        return new InitBreakdown(Number(value, "total_ms"), phases);
    }

    private static JsonElement? Member(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var value) ? value : null;

    private static double? Number(JsonElement? parent, string name) =>
        Member(parent, name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : null;

    private static int? Int(JsonElement? parent, string name) =>
        Member(parent, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var i) ? i : null;
}
