using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.InferenceFunction.Requests.OpenAi;

namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>
/// The shape of an answer, buffered or streamed as server-sent events: the function's own JSON, or OpenAI's chat
/// completion or text completion. The handler generates the same way for all of them.
/// </summary>
public abstract class AnswerFormat
{
    /// <summary>The whole answer as one JSON document.</summary>
    public abstract byte[] Buffered(GenerationResult result, Timings timings);

    /// <summary>Events sent before the first token (OpenAI's chat stream opens with the assistant's role).</summary>
    public virtual IEnumerable<byte[]> StreamStart() => [];

    /// <summary>The event for newly generated text.</summary>
    public abstract byte[] StreamDelta(string text);

    /// <summary>The events after the last token, before <c>data: [DONE]</c>.</summary>
    public abstract IEnumerable<byte[]> StreamEnd(GenerationResult result, Timings timings);

    public static AnswerFormat For(InferenceRequest request, string requestId, string modelId) => request.Api switch
    {
        RequestApi.ChatCompletions => new ChatCompletionFormat(requestId, modelId, request.IncludeUsage),
        RequestApi.Completions => new TextCompletionFormat(requestId, modelId, request.IncludeUsage),
        _ => Native,
    };

    static readonly AnswerFormat Native = new NativeFormat();

    /// <summary><c>{"text", "finish_reason", "usage", "timings"}</c>; streamed as <c>{"text"}</c> deltas and one final event without text.</summary>
    sealed class NativeFormat : AnswerFormat
    {
        public override byte[] Buffered(GenerationResult result, Timings timings) => ResponseWriter.Serialize(GenerationResponse.From(result, timings));

        public override byte[] StreamDelta(string text) => ResponseWriter.DeltaEvent(text);

        public override IEnumerable<byte[]> StreamEnd(GenerationResult result, Timings timings) => [ResponseWriter.FinalEvent(GenerationResponse.From(result, timings))];
    }
}
