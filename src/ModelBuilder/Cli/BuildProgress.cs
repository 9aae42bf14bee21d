using LlamaAspire.ModelBuilder.Llama;
using Spectre.Console;

namespace LlamaAspire.ModelBuilder.Cli;

/// <summary>Plain progress lines (for redirected output): one per phase and every 10% of the weights.</summary>
internal sealed class PlainProgress(TextWriter output) : IBuildProgress
{
    private long _total, _done;
    private int _lastDecile;

    public void Phase(string name, long totalBytes)
    {
        (_total, _done, _lastDecile) = (totalBytes, 0, 0);
        output.WriteLine(totalBytes > 0 ? $"{name}: {totalBytes / 1e6:F1} MB" : $"{name}…");
    }

    public void Advance(long bytes)
    {
        _done += bytes;
        var decile = _total == 0 ? 10 : (int)(_done * 10 / _total);
        if (decile > _lastDecile)
        {
            _lastDecile = decile;
            output.WriteLine($"  {decile * 10}%");
        }
    }
}

/// <summary>A Spectre.Console progress bar per phase.</summary>
internal sealed class SpectreProgress(ProgressContext context) : IBuildProgress
{
    private ProgressTask? _task;

    public void Phase(string name, long totalBytes)
    {
        if (_task is not null)
        {
            _task.Value = _task.MaxValue;
            _task.StopTask();
        }

        _task = context.AddTask(name, maxValue: Math.Max(1, totalBytes));
        if (totalBytes == 0)
        {
            _task.IsIndeterminate = true;
        }
    }

    public void Advance(long bytes) => _task?.Increment(bytes);

    public void Complete()
    {
        if (_task is not null)
        {
            _task.IsIndeterminate = false;
            _task.Value = _task.MaxValue;
        }
    }
}
