namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary><see cref="LambdaInvocation"/>'s view of its deadline.</summary>
public sealed class LambdaInvocationTests
{
    [Fact]
    public void Remaining_time_uses_the_time_provider_and_never_goes_negative()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        var invocation = new LambdaInvocation("id", deadline, "arn", null, null, null, ReadOnlyMemory<byte>.Empty)
        {
            TimeProvider = new FixedTimeProvider(deadline.AddSeconds(-4)),
        };
        Assert.Equal(TimeSpan.FromSeconds(4), invocation.RemainingTime);
        Assert.Equal(TimeSpan.Zero, (invocation with { TimeProvider = new FixedTimeProvider(deadline.AddSeconds(1)) }).RemainingTime);
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
