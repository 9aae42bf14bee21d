using System.Text.Json;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>The error document and error-type header the runtime posts for a failure.</summary>
public sealed class LambdaErrorJsonTests
{
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
}
