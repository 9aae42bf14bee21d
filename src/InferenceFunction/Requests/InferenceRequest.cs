using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>A parsed, validated request.</summary>
public sealed record InferenceRequest
{
    public string? Prompt { get; init; }
    public IReadOnlyList<ChatMessage>? Messages { get; init; }
    public int? MaxTokens { get; init; }
    public float Temperature { get; init; }
    public float TopP { get; init; } = 1f;
    public int TopK { get; init; }
    public ulong Seed { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];
    public bool Stream { get; init; }

    /// <summary>Which API the request came through, and so which shape its answer takes.</summary>
    public RequestApi Api { get; init; } = RequestApi.Native;
    /// <summary>The model the request names (OpenAI's <c>model</c>, or the id in <c>GET /v1/models/{id}</c>); any name is served by the one loaded model.</summary>
    public string? Model { get; init; }
    /// <summary>OpenAI's <c>stream_options.include_usage</c>: a last chunk with the usage and no choices.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>The event was an API Gateway v2 / function URL event: answer in its response shape.</summary>
    public bool IsHttp { get; init; }
    /// <summary>The HTTP request's W3C traceparent header, when the event carried one.</summary>
    public string? TraceParent { get; init; }

    public SamplingSettings Sampling => new(Temperature, TopK, TopP, Seed);
}
