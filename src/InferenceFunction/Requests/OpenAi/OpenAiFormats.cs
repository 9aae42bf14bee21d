using System.Text.Json;
using LlamaAspire.InferenceFunction.Inference;

namespace LlamaAspire.InferenceFunction.Requests.OpenAi;

/// <summary>What OpenAI's chat and text completion answers share: the id, creation time and model of every chunk.</summary>
public abstract class OpenAiFormat(string idPrefix, string requestId, string modelId, bool includeUsage) : AnswerFormat
{
    internal static readonly OpenAiJsonContext Json = new(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    protected string Id { get; } = idPrefix + requestId;
    protected long Created { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    protected string Model { get; } = modelId;
    protected bool IncludeUsage { get; } = includeUsage;

    /// <summary>OpenAI's error body for a refused request or a failed generation.</summary>
    public static byte[] Error(string message, string type, string? param, string? code) =>
        JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(new ErrorDetail(message, type, param, code)), Json.ErrorBody);

    /// <summary>The answer to <c>GET /v1/models</c> (<paramref name="one"/>: <c>GET /v1/models/{id}</c>).</summary>
    public static byte[] Models(string modelId, long created, bool one)
    {
        var model = new ModelObject(modelId, OpenAiApi.Objects.Model, created, OpenAiApi.OwnedBy);
        return one
            ? JsonSerializer.SerializeToUtf8Bytes(model, Json.ModelObject)
            : JsonSerializer.SerializeToUtf8Bytes(new ModelList(OpenAiApi.Objects.List, [model]), Json.ModelList);
    }
}

/// <summary><c>chat.completion</c>, streamed as <c>chat.completion.chunk</c>s: role first, then content deltas, then the finish reason.</summary>
public sealed class ChatCompletionFormat(string requestId, string modelId, bool includeUsage) : OpenAiFormat("chatcmpl-", requestId, modelId, includeUsage)
{
    public override byte[] Buffered(GenerationResult result, Timings timings) => JsonSerializer.SerializeToUtf8Bytes(
        new ChatCompletion(Id, OpenAiApi.Objects.ChatCompletion, Created, Model,
            [new ChatChoice(0, new ChatMessageBody("assistant", result.Text), OpenAiApi.FinishReason(result.FinishReason))],
            Usage.From(result), timings),
        Json.ChatCompletion);

    public override IEnumerable<byte[]> StreamStart() => [Chunk([new ChatChunkChoice(0, new ChatDelta("assistant", ""), null)])];

    public override byte[] StreamDelta(string text) => Chunk([new ChatChunkChoice(0, new ChatDelta(null, text), null)]);

    public override IEnumerable<byte[]> StreamEnd(GenerationResult result, Timings timings)
    {
        yield return Chunk([new ChatChunkChoice(0, new ChatDelta(null, null), OpenAiApi.FinishReason(result.FinishReason))], timings: timings);
        if (IncludeUsage)
        {
            yield return Chunk([], Usage.From(result));
        }
    }

    byte[] Chunk(IReadOnlyList<ChatChunkChoice> choices, Usage? usage = null, Timings? timings = null) => ResponseWriter.Event(
        JsonSerializer.SerializeToUtf8Bytes(new ChatCompletionChunk(Id, OpenAiApi.Objects.ChatCompletionChunk, Created, Model, choices, usage, timings), Json.ChatCompletionChunk));
}

/// <summary><c>text_completion</c>, streamed as chunks of the same object: text deltas, then the finish reason.</summary>
public sealed class TextCompletionFormat(string requestId, string modelId, bool includeUsage) : OpenAiFormat("cmpl-", requestId, modelId, includeUsage)
{
    public override byte[] Buffered(GenerationResult result, Timings timings) => JsonSerializer.SerializeToUtf8Bytes(
        new TextCompletion(Id, OpenAiApi.Objects.TextCompletion, Created, Model,
            [new TextChoice(0, result.Text, null, OpenAiApi.FinishReason(result.FinishReason))], Usage.From(result), timings),
        Json.TextCompletion);

    public override byte[] StreamDelta(string text) => Chunk([new TextChoice(0, text, null, null)]);

    public override IEnumerable<byte[]> StreamEnd(GenerationResult result, Timings timings)
    {
        yield return Chunk([new TextChoice(0, "", null, OpenAiApi.FinishReason(result.FinishReason))], timings: timings);
        if (IncludeUsage)
        {
            yield return Chunk([], Usage.From(result));
        }
    }

    byte[] Chunk(IReadOnlyList<TextChoice> choices, Usage? usage = null, Timings? timings = null) => ResponseWriter.Event(
        JsonSerializer.SerializeToUtf8Bytes(new TextCompletion(Id, OpenAiApi.Objects.TextCompletion, Created, Model, choices, usage, timings), Json.TextCompletion));
}
