namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>The error type a <see cref="LambdaFunctionException"/> reports.</summary>
public sealed class LambdaFunctionExceptionTests
{
    [Fact]
    public void Blank_error_type_falls_back()
    {
        Assert.Equal("Function.Error", new LambdaFunctionException("", "m").ErrorType);
    }
}
