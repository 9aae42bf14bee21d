using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlamaAspire.Otlp.Tests;

/// <summary>The OpenTelemetry SDK's own OTLP exporter, over each transport, to a receiver on real sockets.</summary>
public sealed class ExporterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf, false)]
    [InlineData(OtlpProtocol.HttpProtobuf, true)]
    [InlineData(OtlpProtocol.Grpc, false)]
    [InlineData(OtlpProtocol.Grpc, true)]
    public async Task ExportedSpans_ArriveWithNamesParentLinksKindsAttributesStatusAndExactTimes(OtlpProtocol protocol, bool gzip)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"otlp-tests-{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("otlp-test-svc").AddAttributes([new("deployment.environment", "test")]))
            .AddSource(sourceName)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = protocol == OtlpProtocol.Grpc ? receiver.GrpcEndpoint : receiver.HttpTracesEndpoint;
                o.Compression = gzip ? OtlpExportCompression.GZip : OtlpExportCompression.None;
            })
            .Build();

        Activity init, phase;
        using (init = source.StartActivity("function.init", ActivityKind.Server)!)
        {
            init.SetTag("faas.coldstart", true);
            init.SetTag("model.bytes_mapped", 123_456_789L);
            init.SetTag("load.fraction", 0.25);
            init.SetTag("model.name", "tiny");
            using (phase = source.StartActivity("weight load")!)
            {
                phase.SetStatus(ActivityStatusCode.Error, "disk gone");
                await Task.Delay(5);
            }
        }

        Assert.True(tracer.ForceFlush(10_000), "the exporter did not flush");
        var traceId = init.TraceId.ToHexString();
        var spans = await receiver.Spans.WaitForTraceAsync(traceId, ["function.init", "weight load"], Wait);

        var gotInit = spans.SingleNamed("function.init");
        var gotPhase = spans.SingleNamed("weight load");
        Assert.Equal(init.SpanId.ToHexString(), gotInit.SpanId);
        Assert.True(gotInit.IsRoot, spans.Describe());
        Assert.Equal(gotInit.SpanId, gotPhase.ParentSpanId);
        Assert.Equal([gotPhase], spans.ChildrenOf(gotInit));
        Assert.Same(gotInit, spans.ParentOf(gotPhase));

        Assert.Equal(OtlpSpanKind.Server, gotInit.Kind);
        Assert.Equal(OtlpSpanKind.Internal, gotPhase.Kind);
        Assert.True(gotInit.GetBoolean("faas.coldstart"));
        Assert.Equal(123_456_789L, gotInit.GetInt64("model.bytes_mapped"));
        Assert.Equal(0.25, gotInit.GetDouble("load.fraction"));
        Assert.Equal("tiny", gotInit.GetString("model.name"));
        Assert.Equal(new OtlpSpanStatus(OtlpStatusCode.Error, "disk gone"), gotPhase.Status);
        Assert.Equal(OtlpStatusCode.Unset, gotInit.Status.Code);

        Assert.Equal("otlp-test-svc", gotInit.ServiceName);
        Assert.Equal("test", gotInit.ResourceAttributes["deployment.environment"]);
        Assert.Equal(sourceName, gotInit.ScopeName);

        // The exporter sends Activity times at tick (100 ns) resolution: they come back exactly.
        Assert.Equal(UnixNanos(init.StartTimeUtc), gotInit.StartTimeUnixNano);
        Assert.Equal(UnixNanos(init.StartTimeUtc + init.Duration), gotInit.EndTimeUnixNano);
        Assert.Equal(phase.Duration, gotPhase.Duration);
        Assert.Equal(new DateTimeOffset(phase.StartTimeUtc), gotPhase.Start);
        Assert.True(gotPhase.DurationNanos > 0, gotPhase.ToString());
        Assert.True(gotInit.Start <= gotPhase.Start && gotPhase.End <= gotInit.End, spans.Describe());
    }

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task AnExporterConfiguredFromTheReceiversEnvironment_ExportsToIt(OtlpProtocol protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var sourceName = $"otlp-tests-{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        // What a child process would read from OTEL_EXPORTER_OTLP_*; the SDK reads those through IConfiguration.
        var environment = new ConfigurationBuilder().AddInMemoryCollection(receiver.ExporterEnvironment(protocol)!).Build();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton<IConfiguration>(environment))
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("env-svc"))
            .AddSource(sourceName)
            .AddOtlpExporter()
            .Build();

        using (source.StartActivity("from the environment"))
        {
        }

        Assert.True(tracer.ForceFlush(10_000), "the exporter did not flush");
        var spans = await receiver.Spans.WaitForServiceAsync("env-svc", ["from the environment"], Wait);
        Assert.Single(spans);
    }

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task MetricExports_AreAcknowledged_AndNotTakenForSpans(OtlpProtocol protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var meterName = $"otlp-tests-{Guid.NewGuid():N}";
        using var meter = new Meter(meterName);
        using var meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = protocol == OtlpProtocol.Grpc ? receiver.GrpcEndpoint : new Uri(receiver.HttpEndpoint, "/v1/metrics");
            })
            .Build();
        meter.CreateCounter<long>("faas.invocations").Add(1);

        // ForceFlush is true only when the export succeeded: the receiver answered it with success.
        Assert.True(meters.ForceFlush(10_000), "the metric export was not acknowledged");
        Assert.Equal(0, receiver.Spans.Count);
    }

    private static ulong UnixNanos(DateTime utc) => (ulong)(utc - DateTime.UnixEpoch).Ticks * 100;
}
