using System.Threading.Channels;

namespace LlamaAspire.TestInfrastructure;

/// <summary>One invoke queued on a <see cref="FakeRuntimeApi"/>: what <c>GET next</c> hands out, and what the runtime posted back for it.</summary>
/// <param name="RequestId">Sent as <c>Lambda-Runtime-Aws-Request-Id</c>.</param>
/// <param name="Deadline">Sent as <c>Lambda-Runtime-Deadline-Ms</c>.</param>
/// <param name="FunctionArn">Sent as <c>Lambda-Runtime-Invoked-Function-Arn</c>.</param>
/// <param name="TraceId">Sent as <c>Lambda-Runtime-Trace-Id</c> when not null.</param>
/// <param name="ClientContext">Sent as <c>Lambda-Runtime-Client-Context</c> when not null.</param>
/// <param name="CognitoIdentity">Sent as <c>Lambda-Runtime-Cognito-Identity</c> when not null.</param>
/// <param name="Payload">The event, the body of the <c>GET next</c> answer.</param>
public sealed record FakeInvocation(
    string RequestId,
    DateTimeOffset Deadline,
    string FunctionArn,
    string? TraceId,
    string? ClientContext,
    string? CognitoIdentity,
    byte[] Payload)
{
    private readonly TaskCompletionSource<RecordedPost> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The body as the server read it, one entry per read, while it arrives: for a streamed response, the chunks in
    /// order while the function is still writing. Completed when the body ends.</summary>
    public Channel<byte[]> Chunks { get; } = Channel.CreateUnbounded<byte[]>();

    /// <summary>Completes when the runtime has posted this invoke's response or error and the fake has answered it.</summary>
    public Task<RecordedPost> Result => _result.Task;

    internal void Complete(RecordedPost post) => _result.TrySetResult(post);
}
