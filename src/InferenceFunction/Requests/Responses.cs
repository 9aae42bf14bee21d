using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaAspire.InferenceFunction.Inference;

namespace LlamaAspire.InferenceFunction.Requests;

public sealed record Usage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens)
{
    public static Usage From(GenerationResult r) => new(r.PromptTokens, r.CompletionTokens, r.PromptTokens + r.CompletionTokens);
}

public sealed record Timings(
    [property: JsonPropertyName("prefill_ms")] double PrefillMs,
    [property: JsonPropertyName("decode_ms")] double DecodeMs,
    [property: JsonPropertyName("decode_tokens_per_second")] double DecodeTokensPerSecond,
    [property: JsonPropertyName("time_to_first_token_ms")] double TimeToFirstTokenMs,
    [property: JsonPropertyName("cold_start")] bool ColdStart,
    [property: JsonPropertyName("init"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] InitTimings? Init = null)
{
    public static Timings From(GenerationResult r, bool coldStart, InitTimings? init) => new(
        Math.Round(r.PrefillMs, 3), Math.Round(r.DecodeMs, 3), Math.Round(r.DecodeTokensPerSecond, 2), Math.Round(r.TimeToFirstTokenMs, 3),
        coldStart, coldStart ? init : null);
}

/// <summary>
/// The init this environment ran, phase by phase, reported with the cold start's answer: the same figures as the
/// <c>function.init</c> spans, for callers that have no trace (LoadGen against AWS, the playground). Keys are the span names.
/// </summary>
public sealed record InitTimings(
    [property: JsonPropertyName("total_ms")] double TotalMs,
    [property: JsonPropertyName("phases")] IReadOnlyDictionary<string, double> Phases);

/// <summary>The buffered answer, and the final streamed event (without text).</summary>
public sealed record GenerationResponse(
    [property: JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("usage")] Usage Usage,
    [property: JsonPropertyName("timings")] Timings Timings)
{
    public static GenerationResponse From(GenerationResult r, Timings timings) => new(r.Text, r.FinishReason, Usage.From(r), timings);
}

public sealed record StreamDelta([property: JsonPropertyName("text")] string Text);

/// <summary>The API Gateway v2 / function URL response shape.</summary>
public sealed record ApiGatewayResponse(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("headers")] Dictionary<string, string> Headers,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("isBase64Encoded")] bool IsBase64Encoded);

/// <summary>The metadata prelude of a streamed function URL response.</summary>
public sealed record HttpPrelude(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("headers")] Dictionary<string, string> Headers);

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(HttpPrelude))]
[JsonSerializable(typeof(GenerationResponse))]
[JsonSerializable(typeof(StreamDelta))]
[JsonSerializable(typeof(ApiGatewayResponse))]
internal sealed partial class ResponseJsonContext : JsonSerializerContext;

public static class ResponseWriter
{
    // Generated text goes out as UTF-8, not \uXXXX escapes (smaller, readable streams). Still valid JSON: only the HTML-safety
    // escaping is relaxed, which does not matter for an API response.
    static readonly ResponseJsonContext Json = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public const string JsonContentType = "application/json";
    public const string EventStreamContentType = "text/event-stream";
    /// <summary>Function URL response streaming: a JSON prelude (statusCode, headers), 8 NUL bytes, then the body.</summary>
    public const string HttpIntegrationResponseContentType = "application/vnd.awslambda.http-integration-response";

    public static byte[] HttpStreamingPrelude()
    {
        var prelude = new HttpPrelude(200, new Dictionary<string, string>
        {
            ["content-type"] = EventStreamContentType,
            ["cache-control"] = "no-cache",
        });
        var json = JsonSerializer.SerializeToUtf8Bytes(prelude, Json.HttpPrelude);
        var bytes = new byte[json.Length + 8];
        json.CopyTo(bytes, 0);
        return bytes; // the trailing 8 bytes are already NUL
    }

    /// <summary>A JSON answer: as it is for a direct invoke, wrapped in the function URL response shape for an HTTP event.</summary>
    public static byte[] Buffered(byte[] json, bool http, int statusCode = 200)
    {
        if (!http)
        {
            return json;
        }

        var wrapped = new ApiGatewayResponse(statusCode, new Dictionary<string, string> { ["content-type"] = JsonContentType }, Encoding.UTF8.GetString(json), false);
        return JsonSerializer.SerializeToUtf8Bytes(wrapped, Json.ApiGatewayResponse);
    }

    public static byte[] Serialize(GenerationResponse response) => JsonSerializer.SerializeToUtf8Bytes(response, Json.GenerationResponse);

    public static byte[] DeltaEvent(string text) => Event(JsonSerializer.SerializeToUtf8Bytes(new StreamDelta(text), Json.StreamDelta));

    public static byte[] FinalEvent(GenerationResponse response) =>
        Event(JsonSerializer.SerializeToUtf8Bytes(response with { Text = null }, Json.GenerationResponse));

    public static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>One server-sent event: <c>data: {json}</c> and a blank line.</summary>
    public static byte[] Event(byte[] json)
    {
        var bytes = new byte[json.Length + 8];
        "data: "u8.CopyTo(bytes);
        json.CopyTo(bytes, 6);
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
