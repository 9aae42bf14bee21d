using System.Diagnostics;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>The platform spans (<c>platform.init</c>, <c>platform.invoke</c>) the emulator records in the caller's trace.</summary>
public sealed class PlatformSpanTests
{
    [Fact]
    public async Task Spans_PlatformInitAndInvoke_AreInTheCallersTrace()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == EmulatorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", timeout: 1));
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        for (var i = 0; i < 2; i++)
        {
            (await host.InvokeAsync("fn", """{"action":"env"}""", headers: h => h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"))).Dispose();
        }

        (await host.InvokeAsync("fn", """{"action":"sleep","ms":3000}""", headers: h => h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"))).Dispose();
        (await host.InvokeAsync("fn", "{}", headers: h => h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"))).Dispose();

        List<Activity> mine;
        lock (spans)
        {
            mine = spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
        }

        var init = mine.Where(s => s.OperationName == "platform.init").ToList();
        var invokes = mine.Where(s => s.OperationName == "platform.invoke").ToList();
        Assert.Equal(2, init.Count); // the first cold start and the re-init after the timeout
        Assert.Equal(4, invokes.Count);
        Assert.Equal(true, invokes[3].GetTagItem("faas.coldstart"));
        Assert.All(init, s => Assert.Equal(ActivityKind.Internal, s.Kind));
        Assert.All(init, s => Assert.Equal(true, s.GetTagItem("faas.coldstart")));
        Assert.All(invokes, s => Assert.Equal(ActivityKind.Server, s.Kind));
        Assert.Equal(true, invokes[0].GetTagItem("faas.coldstart"));
        Assert.Equal(false, invokes[1].GetTagItem("faas.coldstart"));
        Assert.Equal("other", invokes[0].GetTagItem("faas.trigger"));
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:fn", invokes[0].GetTagItem("cloud.resource_id"));
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:fn", invokes[0].GetTagItem("aws.lambda.invoked_arn"));
        Assert.Matches("^[0-9a-f-]{36}$", (string)invokes[0].GetTagItem("faas.invocation_id")!);
        Assert.Equal(ActivityStatusCode.Error, invokes[2].Status);
        Assert.Equal("Sandbox.Timedout", invokes[2].StatusDescription);
        // platform.init and platform.invoke are siblings under the caller's request span.
        Assert.Equal(init[0].ParentSpanId, invokes[0].ParentSpanId);
    }
}
