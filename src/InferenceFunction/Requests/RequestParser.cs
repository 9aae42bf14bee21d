using System.Text.Json;
using LlamaAspire.InferenceFunction.Requests.OpenAi;
using LlamaAspire.LlamaModel;
using static LlamaAspire.InferenceFunction.Requests.RequestFields;

namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>
/// Parses an invoke's payload: the function's own <c>{ "prompt" | "messages", max_tokens, temperature, top_p, top_k, seed,
/// stop, stream }</c>, directly or as the body of an API Gateway v2 / function URL event, or — on a function URL path under
/// <c>/v1/</c> — an OpenAI request (<see cref="OpenAiRequestParser"/>). Every error says what is wrong and where.
/// </summary>
public static class RequestParser
{
    public const float MaxTemperature = RequestFields.MaxTemperature;
    public const int MaxStopSequences = RequestFields.MaxStopSequences;
    const int MaxDepth = 32;

    public static InferenceRequest Parse(ReadOnlySpan<byte> payload, int contextLength, int maxRequestBytes)
    {
        if (payload.Length > maxRequestBytes)
        {
            throw new InvalidRequestException($"The request is {payload.Length} bytes; the limit is {maxRequestBytes} bytes.", statusCode: 413);
        }

        using var doc = ParseJson(payload, "The request");
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException($"The request must be a JSON object (got {Kind(root)}).");
        }

        if (!HttpEvent.IsHttpEvent(root))
        {
            return ParseBody(root, contextLength);
        }

        var http = HttpEvent.Read(root);
        if (OpenAiRequestParser.Serves(http.Path))
        {
            return OpenAiRequestParser.Parse(http, contextLength, maxRequestBytes) with { IsHttp = true, TraceParent = http.TraceParent };
        }

        using var body = ParseHttpBody(http, maxRequestBytes);
        return ParseBody(body.RootElement, contextLength) with { IsHttp = true, TraceParent = http.TraceParent };
    }

    /// <summary>The HTTP body as a JSON object, or an error that points at the body.</summary>
    internal static JsonDocument ParseHttpBody(HttpEvent http, int maxRequestBytes)
    {
        if (http.Body.Length > maxRequestBytes)
        {
            throw new InvalidRequestException($"The HTTP body is {http.Body.Length} bytes; the limit is {maxRequestBytes} bytes.", statusCode: 413);
        }

        var doc = ParseJson(http.Body, "The HTTP body");
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = Kind(doc.RootElement);
            doc.Dispose();
            throw new InvalidRequestException($"The HTTP body must be a JSON object (got {kind}).");
        }

        return doc;
    }

    static JsonDocument ParseJson(ReadOnlySpan<byte> utf8, string what)
    {
        if (utf8.IsEmpty || utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InvalidRequestException($"{what} is empty; send a JSON object with 'prompt' or 'messages'.");
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
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
        bool hasPrompt = Present(o, "prompt", out var prompt);
        bool hasMessages = Present(o, "messages", out var messages);
        if (hasPrompt && hasMessages)
        {
            throw new InvalidRequestException("Give either 'prompt' or 'messages', not both.");
        }

        if (!hasPrompt && !hasMessages)
        {
            throw new InvalidRequestException("The request needs 'prompt' (a string) or 'messages' (an array of {role, content}).");
        }

        return new InferenceRequest
        {
            Prompt = hasPrompt ? Prompt(prompt) : null,
            Messages = hasMessages ? Messages(messages, LlamaRoles) : null,
            MaxTokens = MaxTokens(o, "max_tokens", contextLength),
            Temperature = Temperature(o, absent: 0f),
            TopP = TopP(o),
            TopK = TopK(o),
            Seed = Seed(o) ?? 0, // the same request always gives the same tokens
            Stop = Stop(o),
            Stream = Boolean(o, "stream"),
        };
    }

    static readonly Dictionary<string, string> LlamaRoles = ChatMessage.KnownRoles.ToDictionary(r => r, r => r, StringComparer.Ordinal);
}
