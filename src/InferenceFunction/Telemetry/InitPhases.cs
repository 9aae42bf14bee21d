using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.InferenceFunction.Telemetry;

/// <summary>
/// The init phases as spans under one <see cref="FunctionTelemetryNames.InitSpan"/> span (parented on TRACEPARENT), timed with or without a listener.
/// <see cref="FunctionTelemetryNames.InitSpan"/> starts at the OS's process start time so that <c>runtime init</c> (process start → first line of Main)
/// nests inside it. One line summarising the phases goes to stderr (the function's log) when init ends.
/// </summary>
public sealed class InitPhases : IDisposable
{
    readonly Activity? _init;
    readonly DateTimeOffset _processStart;
    readonly DateTimeOffset _mainEntered;
    readonly List<(string Name, double Ms)> _phases = [];
    readonly long _initStart = Stopwatch.GetTimestamp();

    public InitPhases(DateTimeOffset mainEntered, Func<string, string?> env)
    {
        _mainEntered = mainEntered;
        _processStart = ProcessStartTime.TryRead(env) is { } ps && ps <= mainEntered ? ps : mainEntered;
        if (!XRayTraceHeader.TryParseTraceParent(env(EnvVars.TraceParent), out var parent))
        {
            parent = default;
        }

        _init = FunctionTelemetry.Source.StartActivity(FunctionTelemetryNames.InitSpan, ActivityKind.Internal, parent, startTime: _processStart);
        _init?.SetTag(FaasAttributes.ColdStart, true);
        _init?.SetTag(FaasAttributes.Name, env(EnvVars.FunctionName) ?? "inference");
        Retroactive(FunctionTelemetryNames.RuntimeInitSpan, _processStart, _mainEntered);
    }

    public DateTimeOffset ProcessStart => _processStart;
    /// <summary>The <see cref="FunctionTelemetryNames.InitSpan"/> span's context (default when nothing listens).</summary>
    public ActivityContext InitContext => _init?.Context ?? default;
    /// <summary>The phases recorded so far, as a copy: phases on other threads (the tokenizer, the native import) may still be adding theirs.</summary>
    public IReadOnlyList<(string Name, double Ms)> Phases
    {
        get
        {
            lock (_phases)
            {
                return [.. _phases];
            }
        }
    }

    /// <summary>Process start → <see cref="Complete"/>, in milliseconds (0 before it).</summary>
    public double TotalMs { get; private set; }

    /// <summary>A span for something that already happened (explicit start and end).</summary>
    public void Retroactive(string name, DateTimeOffset start, DateTimeOffset end, params KeyValuePair<string, object?>[] tags) =>
        Record(name, start, end, tags, error: null);

    /// <summary>Waits for <paramref name="phase"/> and records its span as it ran (failed, if it threw); returns its result.</summary>
    public async Task<T> JoinAsync<T>(string name, BackgroundPhase<T> phase, Func<T, KeyValuePair<string, object?>[]>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(phase);
        T result;
        try
        {
            result = await phase.Task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Record(name, phase.StartTime, phase.EndTime, [], ex);
            throw;
        }

        Record(name, phase.StartTime, phase.EndTime, tags?.Invoke(result) ?? [], error: null);
        return result;
    }

    void Record(string name, DateTimeOffset start, DateTimeOffset end, KeyValuePair<string, object?>[] tags, Exception? error)
    {
        var a = FunctionTelemetry.Source.StartActivity(name, ActivityKind.Internal, _init?.Context ?? default, tags, startTime: start);
        if (a is not null)
        {
            if (error is not null)
            {
                a.SetStatus(ActivityStatusCode.Error, error.Message);
                a.AddException(error);
            }

            a.SetEndTime(end.UtcDateTime);
            a.Stop();
        }

        lock (_phases)
        {
            _phases.Add((name, (end - start).TotalMilliseconds));
        }
    }

    /// <summary>Times <paramref name="phase"/> as a child span; the callback may add attributes. Thread-safe (phases may overlap).</summary>
    public T Run<T>(string name, Func<Activity?, T> phase)
    {
        long t0 = Stopwatch.GetTimestamp();
        using var a = FunctionTelemetry.Source.StartActivity(name, ActivityKind.Internal, _init?.Context ?? default);
        try
        {
            return phase(a);
        }
        catch (Exception ex)
        {
            a?.SetStatus(ActivityStatusCode.Error, ex.Message);
            a?.AddException(ex);
            throw;
        }
        finally
        {
            lock (_phases)
            {
                _phases.Add((name, Stopwatch.GetElapsedTime(t0).TotalMilliseconds));
            }
        }
    }

    public void Fail(string errorType, Exception ex)
    {
        _init?.SetStatus(ActivityStatusCode.Error, ex.Message);
        _init?.SetTag(FaasAttributes.ErrorType, errorType);
        _init?.AddException(ex);
    }

    /// <summary>Ends <see cref="FunctionTelemetryNames.InitSpan"/>, records faas.init_duration and returns the summary line.</summary>
    public string Complete(bool failed = false)
    {
        var end = DateTimeOffset.UtcNow;
        double total = TotalMs = (end - _processStart).TotalMilliseconds;
        _init?.SetEndTime(end.UtcDateTime);
        _init?.Stop();
        FunctionTelemetry.InitDuration.Record(total / 1000.0);
        var sb = new StringBuilder("INIT\tphases");
        foreach (var (name, ms) in Phases)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\t{name}={ms:F1}ms");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\ttotal={total:F1}ms (process start → {(failed ? "failed" : "ready")})");
        return sb.ToString();
    }

    public void Dispose() => _init?.Dispose();
}
