using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace LlamaAspire.Otlp;

/// <summary>The gRPC <c>opentelemetry.proto.collector.trace.v1.TraceService</c>: every export goes to the store.</summary>
internal sealed class TraceExportService(SpanIngest ingest) : TraceService.TraceServiceBase
{
    private static readonly Task<ExportTraceServiceResponse> Accepted = Task.FromResult(new ExportTraceServiceResponse());

    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        ingest.Accept(OtlpProtobufTraces.FromMessage(request), OtlpProtocol.Grpc);
        return Accepted;
    }
}
