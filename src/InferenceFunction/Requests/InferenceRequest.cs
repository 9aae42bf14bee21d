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

    /// <summary>The event was an API Gateway v2 / function URL event: answer in its response shape.</summary>
    public bool IsHttp { get; init; }
    /// <summary>The HTTP request's W3C traceparent header, when the event carried one.</summary>
    public string? TraceParent { get; init; }

    public SamplingSettings Sampling => new(Temperature, TopK, TopP, Seed);
}

/// <summary>A bad request: reported as an invoke error with <see cref="InvalidRequest"/>; the environment keeps serving.</summary>
public sealed class InvalidRequestException(string message) : Exception(message)
{
    public const string InvalidRequest = "InvalidRequest";
}
