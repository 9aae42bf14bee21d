using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LlamaAspire.LambdaEmulator.Telemetry;
using Microsoft.Extensions.Options;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>Contract 3 (management endpoints, configuration validation) and the platform telemetry.</summary>
public sealed class ManagementAndTelemetryTests
{
    [Fact]
    public async Task Functions_DescribesConfigEnvironmentsAndCounts()
    {
        var config = EmulatorHost.TestFunction("fn", memory: 3538, timeout: 7, extra: new() { ["Lambda:Functions:fn:ReservedConcurrency"] = "5" });
        await using var host = await EmulatorHost.StartAsync(config);
        await host.InvokeJsonAsync("fn", "{}");
        var fn = await host.FunctionAsync("fn");
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:fn", fn.GetProperty("arn").GetString());
        var c = fn.GetProperty("config");
        Assert.Equal(3538, c.GetProperty("memorySize").GetInt32());
        Assert.Equal(7, c.GetProperty("timeout").GetInt32());
        Assert.Equal(5, c.GetProperty("reservedConcurrency").GetInt32());
        Assert.Equal(600, c.GetProperty("idleTimeout").GetInt32());
        Assert.Equal(2.0, c.GetProperty("vcpus").GetDouble());
        var env = fn.GetProperty("environments").EnumerateArray().Single();
        Assert.Matches("^[0-9a-f]{32}$", env.GetProperty("id").GetString());
        Assert.True(env.GetProperty("pid").GetInt32() > 0);
        Assert.Contains(env.GetProperty("state").GetString(), new[] { "warm", "frozen" });
        Assert.Equal(Math.Min(2, Environment.ProcessorCount), env.GetProperty("cpus").GetArrayLength());
        Assert.Equal(1, fn.GetProperty("coldStarts").GetInt64());
        Assert.Equal(1, fn.GetProperty("invocations").GetInt64());
    }

    [Fact]
    public async Task Recycle_ForcesAColdStart_ShutdownIdle_StopsIdleOnes()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        await host.InvokeJsonAsync("fn", "{}");
        using (var r = await host.Client.PostAsync("/_emulator/functions/fn/recycle", null))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(1, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("environments").GetInt32());
        }
        Assert.Empty((await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray());
        await host.InvokeJsonAsync("fn", "{}");
        Assert.Equal(2, (await host.FunctionAsync("fn")).GetProperty("coldStarts").GetInt64());

        // A busy environment survives shutdown-idle.
        var busy = host.InvokeAsync("fn", """{"action":"sleep","ms":3000}""");
        await Task.Delay(300);
        var second = host.InvokeAsync("fn", """{"action":"sleep","ms":100}""");
        await second;
        using (var r = await host.Client.PostAsync("/_emulator/functions/fn/shutdown-idle", null))
            Assert.Equal(1, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("environments").GetInt32());
        Assert.Single((await host.FunctionAsync("fn")).GetProperty("environments").EnumerateArray());
        using (var r = await busy)
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await host.Client.PostAsync("/_emulator/functions/nope/recycle", null))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Theory]
    [InlineData("MemorySize", "64", "Lambda:Functions:fn:MemorySize")]
    [InlineData("Timeout", "901", "Lambda:Functions:fn:Timeout")]
    [InlineData("Command", "", "Lambda:Functions:fn:Command")]
    public async Task InvalidConfiguration_FailsAtStartup_NamingTheKey(string key, string value, string expected)
    {
        var config = EmulatorHost.TestFunction("fn");
        config[$"Lambda:Functions:fn:{key}"] = value;
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => EmulatorHost.StartAsync(config));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task Spans_PlatformInitAndInvoke_AreInTheCallersTrace()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == EmulatorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", timeout: 1));
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        for (var i = 0; i < 2; i++)
            (await host.InvokeAsync("fn", """{"action":"env"}""", headers: h => h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"))).Dispose();
        (await host.InvokeAsync("fn", """{"action":"sleep","ms":3000}""", headers: h => h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"))).Dispose();
        (await host.InvokeAsync("fn", "{}", headers: h => h.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"))).Dispose();

        List<Activity> mine;
        lock (spans)
            mine = spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
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

    [Fact]
    public async Task Metrics_FaasInstruments_AreRecordedWithTheFunctionName()
    {
        var seen = new Dictionary<string, double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EmulatorTelemetry.Name)
                l.EnableMeasurementEvents(instrument);
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var t in tags)
            {
                if (t.Key == "faas.name" && (string?)t.Value == "fn")
                {
                    lock (seen)
                        seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value;
                }
            }
        }
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();

        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn", timeout: 1));
        await host.InvokeJsonAsync("fn", "{}");
        (await host.InvokeAsync("fn", """{"action":"error"}""")).Dispose();
        (await host.InvokeAsync("fn", """{"action":"sleep","ms":3000}""")).Dispose();
        listener.RecordObservableInstruments();

        lock (seen)
        {
            Assert.Equal(1, seen["faas.coldstarts"]);
            Assert.Equal(3, seen["faas.invocations"]);
            Assert.Equal(2, seen["faas.errors"]);
            Assert.Equal(1, seen["faas.timeouts"]);
            Assert.True(seen["faas.init_duration"] > 0);
            Assert.True(seen["faas.invoke_duration"] > 1);
            Assert.True(seen["faas.mem_usage"] > 0);
            Assert.True(seen.ContainsKey("faas.concurrency"));
            Assert.True(seen.ContainsKey("faas.environments"));
        }
    }
}
