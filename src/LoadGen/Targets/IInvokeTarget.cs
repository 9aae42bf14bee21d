namespace LlamaAspire.LoadGen.Targets;

/// <summary>
/// Where invokes go: the emulator's Invoke API today (<see cref="LambdaHttpTarget"/> unsigned), a deployed function later
/// (the same target with a SigV4 <see cref="IRequestSigner"/>). Implementations are safe to call concurrently.
/// </summary>
public interface IInvokeTarget
{
    /// <summary>The function name or ARN, for tables and results.json.</summary>
    string FunctionName { get; }

    /// <summary>Where it runs, e.g. <c>emulator http://127.0.0.1:5050</c>.</summary>
    string Description { get; }

    /// <summary>Invokes once, synchronously (RequestResponse), asking for the log tail. Transport failures are results,
    /// not exceptions; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    Task<InvokeResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
