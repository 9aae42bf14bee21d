namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>
/// A bad request: reported as an invoke error with <see cref="InvalidRequest"/> (native API) or as an HTTP status with
/// OpenAI's error body (OpenAI API); either way the environment keeps serving.
/// </summary>
public sealed class InvalidRequestException(string message, string? param = null, int statusCode = 400, string? code = null) : Exception(message)
{
    public const string InvalidRequest = "InvalidRequest";

    /// <summary>The request field at fault (OpenAI's <c>error.param</c>), when one is.</summary>
    public string? Param { get; } = param;

    /// <summary>The HTTP status an OpenAI-API caller gets: 400, or 404/405 for a path or method the function does not serve.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>OpenAI's <c>error.code</c> (e.g. <c>context_length_exceeded</c>), when there is one.</summary>
    public string? Code { get; } = code;

    /// <summary>Set when the request came through the OpenAI-compatible endpoint, so the answer takes OpenAI's error shape.</summary>
    public RequestApi Api { get; init; } = RequestApi.Native;

    public InvalidRequestException For(RequestApi api) => new(Message, Param, StatusCode, Code) { Api = api };
}
