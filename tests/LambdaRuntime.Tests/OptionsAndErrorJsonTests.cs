using LlamaAspire.LambdaContracts;
using System.Text.Json;

namespace LlamaAspire.LambdaRuntime.Tests;

public sealed class OptionsAndErrorJsonTests
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

    [Fact]
    public void Error_json_has_message_type_stack_trace_and_cause()
    {
        Exception caught;
        try
        {
            throw new LambdaFunctionException("Custom.Type", "outer \"quoted\"\nline", new ArgumentException("inner"));
        }
        catch (Exception ex)
        {
            caught = ex;
        }

        using var json = JsonDocument.Parse(LambdaErrorJson.Write(caught));
        var root = json.RootElement;
        Assert.Equal("Custom.Type", root.GetProperty("errorType").GetString());
        Assert.Equal("outer \"quoted\"\nline", root.GetProperty("errorMessage").GetString());
        Assert.Equal(1, root.GetProperty("stackTrace").GetArrayLength());
        Assert.Equal("ArgumentException", root.GetProperty("cause").GetProperty("errorType").GetString());
        Assert.Equal(0, root.GetProperty("cause").GetProperty("stackTrace").GetArrayLength());
    }

    [Fact]
    public void Header_values_are_made_safe()
    {
        Assert.Equal("a_b_c", LambdaErrorJson.HeaderSafe("a\nb\u00e9c"));
        Assert.Equal("Plain.Type", LambdaErrorJson.HeaderSafe("Plain.Type"));
    }

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

    [Fact]
    public void Blank_error_type_falls_back()
    {
        Assert.Equal("Function.Error", new LambdaFunctionException("", "m").ErrorType);
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
