namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>The API a request was made through; it picks the answer's shape (and, for OpenAI's, the error shape).</summary>
public enum RequestApi
{
    /// <summary>The function's own JSON (<c>{"prompt" | "messages", …}</c>), directly or as a function URL body.</summary>
    Native,

    /// <summary>OpenAI's <c>POST /v1/chat/completions</c> on the function URL.</summary>
    ChatCompletions,

    /// <summary>OpenAI's <c>POST /v1/completions</c> on the function URL.</summary>
    Completions,

    /// <summary>OpenAI's <c>GET /v1/models</c>: no generation, the loaded model.</summary>
    Models,
}

public static class RequestApiExtensions
{
    /// <summary>Requests through the OpenAI-compatible endpoint answer errors as HTTP statuses with OpenAI's error body.</summary>
    public static bool IsOpenAi(this RequestApi api) => api is not RequestApi.Native;
}
