using System.Diagnostics.Metrics;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.InferenceFunction.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FunctionInstrumentsCollection
{
    /// <summary>Tests that listen to the function's static instruments: alone, so no other test's measurements are heard.</summary>
    public const string Name = "function instruments";
}

/// <summary>Init pays the OpenTelemetry SDK's first-measurement cost ahead, through a real instrument, counting nothing.</summary>
[Collection(FunctionInstrumentsCollection.Name)]
public sealed class TelemetryWarmUpTests
{
    [Fact]
    public async Task The_warm_up_measures_through_faas_coldstarts_and_adds_nothing()
    {
        var heard = await ColdStartMeasurementsDuring(setup => setup.WarmUpInBackground(),
            name => name == EnvVars.OtlpEndpoint ? "http://127.0.0.1:9" : null); // never reached: nothing is flushed
        Assert.Equal([0L], heard);
    }

    [Fact]
    public async Task Without_telemetry_there_is_nothing_to_warm()
    {
        var heard = await ColdStartMeasurementsDuring(setup => setup.WarmUpInBackground(), _ => null);
        Assert.Empty(heard);
    }

    private static async Task<List<long>> ColdStartMeasurementsDuring(Func<TelemetrySetup, Task> act, Func<string, string?> env)
    {
        var heard = new List<long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FunctionTelemetry.SourceName && instrument.Name == PlatformTelemetry.Metrics.ColdStarts)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => { lock (heard) { heard.Add(value); } });
        listener.Start();
        using var setup = TelemetrySetup.Create(env);
        await act(setup);
        lock (heard)
        {
            return [.. heard];
        }
    }
}
