using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.Otlp;
using LlamaAspire.TestInfrastructure;
using Spectre.Console;

namespace LlamaAspire.Benchmarks;

/// <summary>What one cold start of the function measured: harness timings, the function's own init spans, and the first invoke.</summary>
internal sealed record ColdStartResult(
    string Variant,
    TimeSpan StartToReady,
    TimeSpan? FunctionInit,
    IReadOnlyList<(string Name, TimeSpan Duration)> Phases,
    TimeSpan? InitEndToHandler,
    int PromptTokens,
    double TimeToFirstTokenMs,
    double DecodeTokensPerSecond,
    long PeakRssBytes);

/// <summary>
/// Starts the published bootstrap as Lambda would (fresh process, reserved variables) against a Runtime API of the
/// benchmark's own, times "process start → first /next" exactly, sends one invoke, and reads the function's init spans
/// from <paramref name="otlp"/>.
/// </summary>
internal sealed class ColdStartRunner(FakeRuntimeApi runtimeApi, OtlpReceiver otlp, string bootstrapPath, int memorySizeMb)
{
    private const string FunctionName = "benchmark";

    private int _runNumber;

    public async Task<ColdStartResult> RunAsync(string variant, string modelDir, IReadOnlyDictionary<string, string> functionEnvironment, string prompt, int maxTokens)
    {
        var serviceName = $"bench-{variant}-{++_runNumber}";
        await PreviousRuntimeGoneAsync();
        runtimeApi.ResetForNewProcess();
        var startInfo = new ProcessStartInfo(bootstrapPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(bootstrapPath)!,
        };
        var environment = startInfo.Environment;
        environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.RuntimeApi;
        environment["AWS_LAMBDA_FUNCTION_NAME"] = FunctionName;
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = memorySizeMb.ToString(CultureInfo.InvariantCulture);
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        environment["AWS_REGION"] = "us-east-1";
        environment["MODEL_DIR"] = modelDir;
        foreach (var (name, value) in otlp.ExporterEnvironment(OtlpProtocol.HttpProtobuf))
        {
            environment[name] = value;
        }

        environment["OTEL_SERVICE_NAME"] = serviceName;
        foreach (var (name, value) in functionEnvironment)
        {
            environment[name] = value;
        }

        // The invoke is queued before the process starts, so /next answers at once and "end of init → handler start"
        // is the function's own path (its first /next round trip, request parsing, the span's start), not the harness's.
        var payload = JsonSerializer.Serialize(new Dictionary<string, object> { ["prompt"] = prompt, ["max_tokens"] = maxTokens, ["temperature"] = 0 });
        // No X-Ray header: the benchmark times the function, not a trace it would join.
        var invoke = runtimeApi.Enqueue(payload, deadline: DateTimeOffset.UtcNow.AddMinutes(15), traceId: null).Result;
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {bootstrapPath}.");
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var firstNext = runtimeApi.FirstNext;
            var initError = runtimeApi.InitError;
            var ready = await Task.WhenAny(firstNext, initError, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(5));
            if (ready != firstNext)
            {
                throw new InvalidOperationException(
                    $"The function did not reach /next ({variant}): {(initError.IsCompleted ? initError.Result.BodyText : "process exited")}\n{string.Join('\n', output.TakeLast(20))}");
            }

            var startToReady = Stopwatch.GetElapsedTime(started, firstNext.Result);
            var answered = await Task.WhenAny(invoke, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(10));
            if (answered != invoke)
            {
                throw new InvalidOperationException($"The function ({variant}) exited with code {process.ExitCode} before answering its invoke:\n{string.Join('\n', output.TakeLast(30))}");
            }

            var response = await invoke;

            if (response.IsError)
            {
                throw new InvalidOperationException($"Function error {response.ErrorType} ({variant}): {response.BodyText}");
            }

            var peakRss = PeakRss.OfProcess(process.Id);

            using var json = JsonDocument.Parse(response.Body);
            var timings = json.RootElement.GetProperty("timings");
            var usage = json.RootElement.GetProperty("usage");

            var spans = await InitSpansAsync(serviceName);
            var (functionInit, phases) = InitPhases(spans);
            return new ColdStartResult(
                variant,
                startToReady,
                functionInit,
                phases,
                InitEndToHandler(spans),
                usage.GetProperty("prompt_tokens").GetInt32(),
                timings.GetProperty("time_to_first_token_ms").GetDouble(),
                timings.GetProperty("decode_tokens_per_second").GetDouble(),
                peakRss);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>
    /// The run's spans once function.init is among them. The function flushes before it responds, so they are normally
    /// here already; a run without them still reports its harness timings, with the span columns empty.
    /// </summary>
    private async Task<IReadOnlyList<OtlpSpan>> InitSpansAsync(string serviceName)
    {
        try
        {
            return await otlp.Spans.WaitForServiceAsync(serviceName, [FunctionTelemetryNames.InitSpan, FunctionName], TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException e)
        {
            AnsiConsole.MarkupLineInterpolated($"  [yellow]{e.Message}[/]");
            return otlp.Spans.ForService(serviceName);
        }
    }

    private static (TimeSpan?, IReadOnlyList<(string, TimeSpan)>) InitPhases(IReadOnlyList<OtlpSpan> spans)
    {
        var init = spans.FirstOrDefault(s => s.Name == FunctionTelemetryNames.InitSpan);
        if (init is null)
        {
            return (null, []);
        }

        return (init.Duration, [.. spans.ChildrenOf(init).Select(s => (s.Name, s.Duration))]);
    }

    /// <summary>
    /// Waits until the last run's killed runtime no longer has a <c>GET next</c> waiting: the invoke queued next is this run's,
    /// and the fake would hand it to the oldest waiter.
    /// </summary>
    private async Task PreviousRuntimeGoneAsync()
    {
        var waited = Stopwatch.StartNew();
        while (runtimeApi.WaitingNextCalls > 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("A killed runtime's GET next was still waiting after 30 s.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>From the end of the function.init span to the start of the first invoke's span (named after the function).</summary>
    private static TimeSpan? InitEndToHandler(IReadOnlyList<OtlpSpan> spans) =>
        spans.FirstOrDefault(s => s.Name == FunctionTelemetryNames.InitSpan) is { } init && spans.FirstOrDefault(s => s.Name == FunctionName) is { } handler
            ? handler.Start - init.End
            : null;
}
