using System.Text.Json;

namespace LlamaAspire.LoadGen.Payloads;

/// <summary>The invoke payload: the function's <c>{"prompt", "max_tokens", "stream"}</c> request.</summary>
public static class PromptPayload
{
    /// <summary>
    /// The default prompt: about 128 tokens of plain English (the seed article's payload size). The function's
    /// <c>usage.prompt_tokens</c> reports the exact count for the model's tokenizer.
    /// </summary>
    public const string DefaultPrompt =
        "You are a helpful assistant running inside a serverless function. Summarise the following notes for a busy reader " +
        "in three short sentences. The team moved the weekly planning meeting from Monday to Tuesday morning because two " +
        "members travel on Mondays. The budget review found that cloud costs rose by twelve percent last quarter, mostly " +
        "from idle test environments that nobody shut down. Everyone agreed to tag every resource with an owner and an " +
        "expiry date, and to delete untagged resources after a week. The release of the mobile application slipped by " +
        "two weeks while the login flow is redesigned.";

    /// <summary>The tokens <see cref="DefaultPrompt"/> stands for.</summary>
    public const int DefaultPromptTokens = 128;

    /// <summary>
    /// A prompt of about <paramref name="tokens"/> tokens: <see cref="DefaultPrompt"/>'s words, cut or repeated from its start,
    /// as many as its words per token give — the same text tokenizes the same, so the count scales with the words (exactly
    /// the default prompt at <see cref="DefaultPromptTokens"/>). The function's <c>usage.prompt_tokens</c> gives the exact count.
    /// </summary>
    public static string OfTokens(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        var words = DefaultPrompt.Split(' ');
        var count = Math.Max(1, (int)Math.Round(tokens * (double)words.Length / DefaultPromptTokens, MidpointRounding.AwayFromZero));
        return string.Join(' ', Enumerable.Range(0, count).Select(i => words[i % words.Length]));
    }

    /// <summary>The UTF-8 JSON payload; <paramref name="stream"/> asks the function to stream server-sent events.</summary>
    public static byte[] Create(string prompt, int maxTokens, bool stream = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("prompt", prompt);
            json.WriteNumber("max_tokens", maxTokens);
            if (stream)
            {
                json.WriteBoolean("stream", true);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
