namespace LlamaAspire.LambdaRuntime;

/// <summary>One invoke, as <c>GET /runtime/invocation/next</c> delivered it.</summary>
/// <param name="RequestId">The <see cref="LlamaAspire.LambdaContracts.RuntimeApi.Headers.AwsRequestId"/> header.</param>
/// <param name="Deadline">The <see cref="LlamaAspire.LambdaContracts.RuntimeApi.Headers.DeadlineMs"/> header (Unix epoch ms); <see cref="DateTimeOffset.MaxValue"/> when absent.</param>
/// <param name="InvokedFunctionArn">The <c>Lambda-Runtime-Invoked-Function-Arn</c> header ("" when absent).</param>
/// <param name="TraceId">The <c>Lambda-Runtime-Trace-Id</c> header (X-Ray format), also set as <c>_X_AMZN_TRACE_ID</c>.</param>
/// <param name="ClientContext">The <c>Lambda-Runtime-Client-Context</c> header (JSON), if any.</param>
/// <param name="CognitoIdentity">The <c>Lambda-Runtime-Cognito-Identity</c> header (JSON), if any.</param>
/// <param name="Payload">The event body.</param>
public sealed record LambdaInvocation(
    string RequestId,
    DateTimeOffset Deadline,
    string InvokedFunctionArn,
    string? TraceId,
    string? ClientContext,
    string? CognitoIdentity,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>The <c>Lambda-Runtime-Aws-Tenant-Id</c> header, if any.</summary>
    public string? TenantId { get; init; }

    /// <summary>The clock <see cref="RemainingTime"/> reads (the bootstrap's <see cref="LambdaBootstrapOptions.TimeProvider"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Time left until <see cref="Deadline"/> (never negative).</summary>
    public TimeSpan RemainingTime
    {
        get
        {
            if (Deadline == DateTimeOffset.MaxValue)
            {
                return TimeSpan.MaxValue;
            }

            var remaining = Deadline - TimeProvider.GetUtcNow();
            return remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining;
        }
    }
}
