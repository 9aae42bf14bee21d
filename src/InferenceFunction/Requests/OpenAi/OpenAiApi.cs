namespace LlamaAspire.InferenceFunction.Requests.OpenAi;

/// <summary>The names of OpenAI's HTTP API that the function serves on its function URL, spelled once.</summary>
public static class OpenAiApi
{
    /// <summary>Every path under this prefix is OpenAI's; any other path keeps the function's own JSON.</summary>
    public const string PathPrefix = "/v1/";

    public const string ChatCompletionsPath = "/v1/chat/completions";
    public const string CompletionsPath = "/v1/completions";
    public const string ModelsPath = "/v1/models";

    public static class Objects
    {
        public const string ChatCompletion = "chat.completion";
        public const string ChatCompletionChunk = "chat.completion.chunk";
        public const string TextCompletion = "text_completion";
        public const string Model = "model";
        public const string List = "list";
    }

    /// <summary><c>error.type</c> values.</summary>
    public static class ErrorTypes
    {
        public const string InvalidRequest = "invalid_request_error";
        public const string NotFound = "not_found_error";
        public const string Server = "server_error";
    }

    /// <summary><c>error.code</c> values.</summary>
    public static class ErrorCodes
    {
        public const string UnknownUrl = "unknown_url";
        public const string MethodNotAllowed = "method_not_allowed";
        public const string ModelNotFound = "model_not_found";
        public const string ContextLengthExceeded = "context_length_exceeded";
        public const string UnsupportedParameter = "unsupported_parameter";
        public const string UnsupportedValue = "unsupported_value";
        public const string UnknownParameter = "unknown_parameter";
        public const string RequestTooLarge = "request_too_large";
    }

    /// <summary>OpenAI's <c>finish_reason</c>s: ours, except that a deadline cut reads as <c>length</c> (OpenAI has no other word for "cut short").</summary>
    public static string FinishReason(string finishReason) => finishReason == Inference.FinishReasons.Timeout ? Inference.FinishReasons.Length : finishReason;

    public const string OwnedBy = "llamaaspire";
}
