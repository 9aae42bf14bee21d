using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary>The <c>faas.*</c> metrics the emulator records, tagged with the function name.</summary>
public sealed class PlatformMetricsTests
{
    [Fact]
    public async Task Metrics_FaasInstruments_AreRecordedWithTheFunctionName()
    {
        var seen = new Dictionary<string, double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EmulatorTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var t in tags)
            {
                if (t.Key == "faas.name" && (string?)t.Value == "fn")
                {
                    lock (seen)
                    {
                        seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value;
                    }
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
