using System.IO.Pipes;
using System.Text;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// Reads a runtime's stdout or stderr line by line into the log, and knows how far it has read: <see cref="DrainAsync"/> waits
/// until every byte the process had written by the time it is called has been logged (the pipe's FIONREAD count), so a
/// function's last lines land before the platform's END and REPORT — exactly, not after a fixed delay.
/// </summary>
internal sealed class OutputReader
{
    private readonly Stream _stream;
    private readonly Action<string> _line;
    private readonly int _fd;
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly StringBuilder _partialLine = new();
    private long _consumed;

    public OutputReader(Stream stream, Action<string> line)
    {
        _stream = stream;
        _line = line;
        _fd = stream is PipeStream pipe ? (int)pipe.SafePipeHandle.DangerousGetHandle() : -1;
        Completion = Task.Run(ReadLoopAsync);
    }

    /// <summary>Ends at end of file (every writer closed the pipe).</summary>
    public Task Completion { get; }

    /// <summary>Waits until what is in the pipe now has been read and logged, at most <paramref name="limit"/>.</summary>
    public Task DrainAsync(TimeSpan limit)
    {
        if (_fd < 0 || Completion.IsCompleted || NativeMethods.Ioctl(_fd, NativeMethods.FIONREAD, out var pending) != 0)
        {
            return Task.CompletedTask;
        }

        TaskCompletionSource done;
        lock (_lock)
        {
            var target = _consumed + pending;
            if (pending == 0)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
        }

        return Task.WhenAny(done.Task, Completion, Task.Delay(limit));
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                var count = decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                Split(chars.AsSpan(0, count));
                Advance(read);
            }
        }
        catch (IOException)
        {
            // The pipe broke with the process: what was read is logged, the rest is gone with it.
        }
        catch (ObjectDisposedException)
        {
            // The process object was disposed at shutdown.
        }

        lock (_lock)
        {
            if (_partialLine.Length > 0)
            {
                _line(_partialLine.ToString());
                _partialLine.Clear();
            }

            foreach (var (_, done) in _waiters)
            {
                done.TrySetResult();
            }

            _waiters.Clear();
        }
    }

    private void Split(ReadOnlySpan<char> text)
    {
        lock (_lock)
        {
            while (text.Length > 0)
            {
                var newline = text.IndexOf('\n');
                if (newline < 0)
                {
                    _partialLine.Append(text);
                    return;
                }

                _partialLine.Append(text[..newline]);
                if (_partialLine.Length > 0 && _partialLine[^1] == '\r')
                {
                    _partialLine.Length--;
                }

                _line(_partialLine.ToString());
                _partialLine.Clear();
                text = text[(newline + 1)..];
            }
        }
    }

    private void Advance(int read)
    {
        lock (_lock)
        {
            _consumed += read;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                // A line still without its newline is not waited for: the function may never end it.
                if (_waiters[i].Target <= _consumed)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
