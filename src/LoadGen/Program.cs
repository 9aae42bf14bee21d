using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Telemetry;
using Spectre.Console;

// Live metrics to the dashboard when the AppHost runs LoadGen (it sets OTEL_EXPORTER_OTLP_ENDPOINT); flushed on exit.
using var metrics = MetricsExport.Start(Environment.GetEnvironmentVariable);

// Ctrl+C stops sending and cancels what is in flight; the command still prints (and writes) what it measured.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await LoadGenApp.Create(AnsiConsole.Console).RunAsync(args, stop.Token);
