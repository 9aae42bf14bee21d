namespace LlamaAspire.LambdaRuntime;

/// <summary>The function's code. One instance serves every invoke of the execution environment, one invoke at a time.</summary>
public interface ILambdaHandler
{
    /// <summary>Handles one invoke.</summary>
    /// <param name="invocation">The event and its context.</param>
    /// <param name="cancellationToken">
    /// Fires at the invoke's deadline (or when the bootstrap is stopped). Valid for this invoke only: its source is reset and reused
    /// for the next invoke, so do not keep it for background work.
    /// </param>
    /// <returns>The response; throw to report an invoke error (<see cref="LambdaFunctionException"/> chooses the errorType).</returns>
    Task<LambdaResponse> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>Adapts a delegate to <see cref="ILambdaHandler"/>.</summary>
public sealed class DelegateLambdaHandler(Func<LambdaInvocation, CancellationToken, Task<LambdaResponse>> handler) : ILambdaHandler
{
    /// <inheritdoc />
    public Task<LambdaResponse> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken) =>
        handler(invocation, cancellationToken);
}
