using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Telemetry;
using LlamaAspire.Otlp;
using LlamaAspire.TestInfrastructure;
using Xunit.Abstractions;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>LoadGen's live metrics leave over OTLP when the standard variables name an endpoint, and not otherwise.</summary>
public sealed class LiveMetricsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task A_run_exports_requests_cold_starts_and_latency_to_the_OTLP_endpoint(OtlpProtocol protocol)
    {
        await using var collector = await TelemetryCollector.StartAsync();
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(10));
        var function = $"metered-{protocol}".ToLowerInvariant();
        var env = new Dictionary<string, string>(collector.ExporterEnvironment(protocol)) { ["OTEL_SERVICE_NAME"] = "loadgen-test" };

        using (var metrics = MetricsExport.Start(name => env.GetValueOrDefault(name)))
        {
            Assert.NotNull(metrics);
            using var console = new TestConsole();
            var exit = await LoadGenApp.Create(console.Console).RunAsync(["run", "burst", "-e", server.Address.ToString(), "-f", function,
                "--size", "3", "--no-progress"]);
            output.WriteLine(console.Output);
            Assert.Equal(0, exit);
        } // disposing the provider flushes the last export

        output.WriteLine($"exports: {string.Join(", ", collector.Exports)}");
        foreach (var name in (string[])[LoadGenMetrics.Requests, LoadGenMetrics.ColdStarts, LoadGenMetrics.RequestDuration, LoadGenMetrics.ActiveRequests,
                     function, "loadgen-test"])
        {
            Assert.True(collector.MetricsInclude(name), $"'{name}' was not in any metrics export");
        }
    }

    [Fact]
    public void Nothing_is_exported_without_an_endpoint() => Assert.Null(MetricsExport.Start(_ => null));
}
