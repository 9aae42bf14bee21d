using System.Collections.Concurrent;
using System.Diagnostics;

namespace LlamaAspire.TestInfrastructure;

/// <summary>
/// A function under test as a real process (<c>dotnet function.dll</c> or a Native AOT executable) with its stdout and
/// stderr captured line by line. Killed, with its children, on dispose.
/// </summary>
public sealed class FunctionProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Starts the process.</summary>
    /// <param name="fileName">The executable (<c>dotnet</c> for a JIT build).</param>
    /// <param name="arguments">Its arguments (the dll for a JIT build).</param>
    /// <param name="environment">Variables set on top of the test process's own, less its <c>OTEL_*</c> and <c>TRACEPARENT</c>:
    /// a test runner exporting telemetry must not make the function export too, or join its trace.</param>
    public FunctionProcess(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var inherited in startInfo.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k == "TRACEPARENT").ToList())
        {
            startInfo.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The lines written so far, stdout and stderr interleaved as they arrived.</summary>
    public IReadOnlyCollection<string> Output => _lines;

    /// <summary><see cref="Output"/> as one text.</summary>
    public string OutputText => string.Join("\n", _lines);

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to exit and its output to be read to the end; returns the exit code.</summary>
    /// <exception cref="TimeoutException">It was still running after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>Kills the process tree if it is still running.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(5000);
        _process.Dispose();
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
