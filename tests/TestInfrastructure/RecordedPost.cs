using System.Text;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.TestInfrastructure;

/// <summary>A POST a runtime made to the <see cref="FakeRuntimeApi"/>, as the server received it, and the status it was answered with.</summary>
/// <param name="Kind">The endpoint it went to.</param>
/// <param name="Headers">The request headers (case-insensitive names).</param>
/// <param name="Body">The whole body.</param>
/// <param name="Trailers">The Runtime API's error trailers, when a streamed response ended with them.</param>
/// <param name="AnsweredStatus">The status the fake answered with.</param>
/// <param name="BodyReads">How many reads the body took: more than one for a body streamed in pieces.</param>
public sealed record RecordedPost(
    RuntimePostKind Kind,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    IReadOnlyDictionary<string, string> Trailers,
    int AnsweredStatus,
    int BodyReads)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The request's <c>Content-Type</c>.</summary>
    public string? ContentType => Header("Content-Type");

    /// <summary><see cref="RuntimeApi.StreamingResponseMode"/> for a streamed response; null for a buffered one.</summary>
    public string? ResponseMode => Header(RuntimeApi.Headers.FunctionResponseMode);

    /// <summary>
    /// The error type the runtime reported: the <see cref="RuntimeApi.Headers.FunctionErrorType"/> header of an error or
    /// init error, the trailer of that name for a streamed response that failed part-way; null for a response that succeeded.
    /// </summary>
    public string? ErrorType => Kind == RuntimePostKind.Response
        ? Trailers.GetValueOrDefault(RuntimeApi.Headers.FunctionErrorType)
        : Header(RuntimeApi.Headers.FunctionErrorType);

    /// <summary>True for an error or init error post, and for a streamed response that ended with error trailers.</summary>
    public bool IsError => Kind != RuntimePostKind.Response || ErrorType is not null;

    /// <summary>A request header, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
