using System.Threading.Channels;
using LlamaAspire.LambdaEmulator.Configuration;
using Microsoft.Extensions.Options;

namespace LlamaAspire.LambdaEmulator.Telemetry;

/// <summary>
/// The "CloudWatch" of the emulator: platform lines (INIT_START, START, END, REPORT, INIT_REPORT) and the
/// functions' own stdout/stderr, interleaved, written to the emulator's console (the Aspire resource log)
/// by a background writer so the invoke path never waits on the console.
/// </summary>
public sealed class PlatformLog : IDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly bool _enabled;

    public PlatformLog(IOptions<LambdaEmulatorOptions> options)
    {
        _enabled = options.Value.ConsoleLogs;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Observers of every line (tests); called on the writer thread.</summary>
    public event Action<string>? LineWritten;

    public void Write(string line)
    {
        if (_enabled || LineWritten is not null)
            _lines.Writer.TryWrite(line);
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
                    output.WriteLine(line);
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
