using LlamaAspire.LambdaContracts;
using System.Threading.Channels;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.Environments;
using Microsoft.Extensions.Options;

namespace LlamaAspire.LambdaEmulator.Telemetry;

/// <summary>
/// The "CloudWatch" of the emulator and the writer of every platform line (INIT_START, START, END, REPORT, INIT_REPORT and the
/// timeout / exit lines, formatted by the contracts library), interleaved with the functions' own stdout/stderr. Each line also
/// goes to the invoke it belongs to (for <c>X-Amz-Log-Result</c>). A background writer keeps the console off the invoke path.
/// </summary>
public sealed class PlatformLog : IDisposable
{
    /// <summary>The emulator's runtime version, as INIT_START names it.</summary>
    public const string RuntimeVersion = "provided:al2023.llamaaspire";

    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly bool _enabled;
    private readonly string _region;

    public PlatformLog(IOptions<LambdaEmulatorOptions> options)
    {
        _enabled = options.Value.ConsoleLogs;
        _region = options.Value.Region;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Observers of every line (tests); called on the writer thread.</summary>
    public event Action<string>? LineWritten;

    internal void InitStart(InvokeLog? invoke, string initializationType = LambdaEnvironmentVariables.InitializationTypes.OnDemand) =>
        Write(invoke, PlatformLines.InitStart(RuntimeVersion, $"arn:aws:lambda:{_region}::runtime:llamaaspire-emulator", initializationType));

    internal void InitReport(InvokeLog? invoke, InitReportLine report) => Write(invoke, report.Format());

    internal void Start(InvokeLog invoke, string requestId, string version) => Write(invoke, PlatformLines.Start(requestId, version));

    internal void End(InvokeLog invoke, string requestId) => Write(invoke, PlatformLines.End(requestId));

    internal void Report(InvokeLog invoke, ReportLine report) => Write(invoke, report.Format());

    /// <summary>A platform line about one request (timeout, runtime exit, emulator fault).</summary>
    internal void ForRequest(InvokeLog? invoke, string requestId, string message) =>
        Write(invoke, PlatformLines.ForRequest(DateTime.UtcNow, requestId, message));

    /// <summary>A line the function wrote to stdout or stderr.</summary>
    internal void FunctionOutput(InvokeLog? invoke, string line) => Write(invoke, line);

    private void Write(InvokeLog? invoke, string line)
    {
        invoke?.Append(line);
        if (_enabled || LineWritten is not null)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _lines.Reader;
        var output = Console.Out;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var line))
            {
                if (_enabled)
                {
                    output.WriteLine(line);
                }

                LineWritten?.Invoke(line);
            }

            output.Flush();
        }
    }

    public void Dispose()
    {
        _lines.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(2));
    }
}
