using System.Diagnostics;

namespace LlamaAspire.LambdaContracts.Tests;

/// <summary>The X-Ray ⇄ W3C mapping, the ARN, the vCPU rule and the error document.</summary>
public sealed class IdentityTests
{
    [Fact]
    public void XRay_header_and_W3C_context_carry_the_same_ids_both_ways()
    {
        Assert.True(XRayTraceHeader.TryParse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", out var ctx));
        Assert.Equal("5759e988bd862e3fe1be46a994272793", ctx.TraceId.ToHexString());
        Assert.Equal("53995c3f42cd8ad8", ctx.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, ctx.TraceFlags);
        Assert.True(ctx.IsRemote);
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", XRayTraceHeader.Format(ctx.TraceId, ctx.SpanId));

        Assert.True(XRayTraceHeader.TryParse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", out ctx));
        Assert.Equal(ActivityTraceFlags.None, ctx.TraceFlags);
    }

    [Theory]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793")]
    [InlineData("Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")]
    [InlineData("garbage")]
    [InlineData(null)]
    public void Malformed_XRay_headers_are_refused(string? header) => Assert.False(XRayTraceHeader.TryParse(header, out _));

    [Fact]
    public void Traceparent_parses()
    {
        Assert.True(XRayTraceHeader.TryParseTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", out var ctx));
        Assert.Equal("b7ad6b7169203331", ctx.SpanId.ToHexString());
        Assert.False(XRayTraceHeader.TryParseTraceParent("nope", out _));
    }

    [Fact]
    public void Arn_builds_and_parses_with_and_without_a_qualifier()
    {
        var arn = FunctionArn.For("eu-west-1", "123456789012", "llama");
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:llama", arn.ToString());
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:llama:live", arn.WithQualifier("live").ToString());

        Assert.True(FunctionArn.TryParse("arn:aws-cn:lambda:cn-north-1:123456789012:function:llama:7", out var parsed));
        Assert.Equal(new FunctionArn("aws-cn", "cn-north-1", "123456789012", "llama", "7"), parsed);
        Assert.False(FunctionArn.TryParse("arn:aws:s3:::bucket", out _));
        Assert.False(FunctionArn.TryParse("llama", out _));
    }

    [Theory]
    [InlineData("llama", "llama")]
    [InlineData("llama:live", "llama")]
    [InlineData("123456789012:function:llama", "llama")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:llama:$LATEST", "llama")]
    public void The_Invoke_APIs_FunctionName_forms_all_name_the_function(string value, string name) =>
        Assert.Equal(name, FunctionArn.NameOf(value));

    [Theory]
    [InlineData(128, 0.0724)]
    [InlineData(512, 0.2894)]
    [InlineData(1769, 1.0)]
    [InlineData(3008, 1.7004)]
    [InlineData(10240, 5.7886)]
    public void Memory_buys_one_vcpu_per_1769_MB_up_to_six(int memoryMb, double vcpus) =>
        Assert.Equal(vcpus, LambdaLimits.VcpusFor(memoryMb), 4);

    [Fact]
    public void The_error_document_round_trips_its_type_and_refuses_non_json()
    {
        var body = ErrorDocument.Write("Sandbox.Timedout", "Task timed out after 3.00 seconds");
        Assert.Equal("""{"errorMessage":"Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout","stackTrace":[]}""", System.Text.Encoding.UTF8.GetString(body));
        Assert.Equal("Sandbox.Timedout", ErrorDocument.TryReadErrorType(body));
        Assert.True(ErrorDocument.IsJson(body));
        Assert.Null(ErrorDocument.TryReadErrorType("plain text"u8));
        Assert.False(ErrorDocument.IsJson("plain text"u8));
        Assert.False(ErrorDocument.IsJson("{} {}"u8));
    }
}
