using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>Where the bootstrap finds the Runtime API: <c>AWS_LAMBDA_RUNTIME_API</c> (or the option) resolved to the versioned base URI.</summary>
public sealed class RuntimeApiAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/")]
    [InlineData("localhost:9001/my-function", "http://localhost:9001/my-function/2018-06-01/")]
    [InlineData("127.0.0.1:5000/a/b/", "http://127.0.0.1:5000/a/b/2018-06-01/")]
    [InlineData("http://127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/")]
    public void The_runtime_api_value_resolves_to_the_base_uri(string value, string expected)
    {
        var fromOption = new LambdaBootstrapOptions { RuntimeApi = value, Environment = new InMemoryLambdaEnvironment() };
        Assert.Equal(expected, fromOption.ResolveBaseUri().AbsoluteUri);

        var fromEnvironment = new LambdaBootstrapOptions
        {
            Environment = new InMemoryLambdaEnvironment([new(LambdaEnvironmentVariables.RuntimeApi, value)]),
        };
        Assert.Equal(expected, fromEnvironment.ResolveBaseUri().AbsoluteUri);
    }

    [Fact]
    public void A_missing_runtime_api_names_the_variable()
    {
        var options = new LambdaBootstrapOptions { Environment = new InMemoryLambdaEnvironment() };
        var error = Assert.Throws<InvalidOperationException>(options.ResolveBaseUri);
        Assert.Contains(LambdaEnvironmentVariables.RuntimeApi, error.Message);
    }
}
