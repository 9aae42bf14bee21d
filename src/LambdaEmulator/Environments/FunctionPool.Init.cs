using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Environments;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;

/// <summary>The init phase of a cold start: INIT_START, the 10 s limit, suppressed init, INIT_REPORT on failure.</summary>
public sealed partial class FunctionPool
{
    /// <summary>A finished init: its duration, and what is left of the function timeout for the invoke.</summary>
    private readonly record struct InitDone(double DurationMs, double BudgetMs);

    /// <summary>The platform's <see cref="PlatformTelemetry.InitSpan"/> span of one environment's init.</summary>
    private Activity? StartInitSpan(ExecutionEnvironment env, ActivityContext parent)
    {
        var span = EmulatorTelemetry.Source.StartActivity(PlatformTelemetry.InitSpan, ActivityKind.Internal, parent);
        span?.SetTag(FaasAttributes.Name, Name);
        span?.SetTag(FaasAttributes.ColdStart, !env.Provisioned);
        span?.SetTag(FaasAttributes.InitializationType, env.InitializationType);
        span?.SetTag(FaasAttributes.CloudResourceId, Arn.ToString());
        return span;
    }

    /// <summary>The TRACEPARENT the runtime's own init spans join: the init span's, else a new one in <paramref name="traceId"/>'s trace.</summary>
    private static string TraceParent(Activity? initSpan, ActivityTraceId? traceId) =>
        initSpan?.Id ?? $"00-{(traceId ?? ActivityTraceId.CreateRandom()).ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    /// <summary>Initializes a new environment for the invoke; null when init failed (the invoke has then been answered and
    /// completed, and the environment is shutting down).</summary>
    private async Task<InitDone?> InitAsync(InvokeCompletion completion, ExecutionEnvironment env, Activity? invokeSpan)
    {
        var request = completion.Request;
        Interlocked.Increment(ref _coldStarts);
        var tags = EmulatorTelemetry.Tags(Name, request.Trigger);
        Emulator.Telemetry.ColdStarts.Add(1, tags);
        env.AttachLog(completion);

        using var initSpan = StartInitSpan(env, request.ParentContext);
        initSpan?.SetTag(FaasAttributes.InvocationId, request.RequestId);
        var traceparent = TraceParent(initSpan, invokeSpan?.TraceId);

        var phase = InitReportLine.InitPhase;
        var start = Stopwatch.GetTimestamp();
        var functionTimeoutMs = env.Context.Function.Timeout * 1000.0;
        InitResult result;
        try
        {
            Emulator.Log.InitStart(completion.Log, env.InitializationType);
            env.StartProcess(traceparent);
            result = await env.WaitInitAsync(TimeSpan.FromSeconds(Emulator.Options.InitTimeout)).ConfigureAwait(false);
            if (result is InitResult.TimedOut)
            {
                // Lambda: init past 10 s is retried inside the first invoke, under the function timeout ("suppressed init").
                Emulator.Log.InitReport(completion.Log, new InitReportLine(Stopwatch.GetElapsedTime(start).TotalMilliseconds, phase, "timeout"));
                await env.KillAndWaitAsync(KillReason.InitTimeout).ConfigureAwait(false);
                env.ResetForInitRetry();
                phase = InitReportLine.InvokePhase;
                initSpan?.SetTag(FaasAttributes.InitPhase, phase);
                start = Stopwatch.GetTimestamp();
                Emulator.Log.InitStart(completion.Log, env.InitializationType);
                env.StartProcess(traceparent);
                result = await env.WaitInitAsync(TimeSpan.FromMilliseconds(functionTimeoutMs)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            result = new InitResult.Failed(ErrorDocument.Write(LambdaErrorTypes.InvalidEntrypoint,
                PlatformLines.ErrorMessage(request.RequestId, $"cannot start '{env.Context.Function.Command}': {ex.Message}")), LambdaErrorTypes.InvalidEntrypoint);
        }

        var initMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Emulator.Telemetry.InitDuration.Record(initMs / 1000.0, tags);
        if (result is InitResult.Ready)
        {
            initSpan?.SetTag(FaasAttributes.InitStatus, "success");
            if (env.SnapStart)
            {
                // SnapStart's init duration is not in REPORT (the invoke shows the restore): INIT_REPORT carries it.
                Emulator.Log.InitReport(completion.Log, new InitReportLine(initMs, phase, "success"));
            }

            return new InitDone(initMs, phase == InitReportLine.InitPhase ? functionTimeoutMs : Math.Max(1, functionTimeoutMs - initMs));
        }

        // Init failed: the error is served to the invoke that triggered it, and the environment is discarded.
        var (status, errorType) = InitStatus(result);
        initSpan?.SetTag(FaasAttributes.InitStatus, status);
        initSpan?.SetStatus(ActivityStatusCode.Error, errorType);
        Emulator.Log.InitReport(completion.Log, new InitReportLine(initMs, phase, status, errorType));
        await FailStartAsync(completion, env, invokeSpan, result, initMs, new ColdStart(initMs, null)).ConfigureAwait(false);
        return null;
    }

    /// <summary>How an init (or a SnapStart restore) ended, as INIT_REPORT and the platform telemetry spell it.</summary>
    private static (string Status, string? ErrorType) InitStatus(InitResult result) => result switch
    {
        InitResult.Ready => ("success", null),
        InitResult.Failed f => ("error", f.ErrorType),
        InitResult.Exited => ("error", LambdaErrorTypes.ExitError),
        _ => ("timeout", LambdaErrorTypes.Timeout),
    };

    /// <summary>
    /// An init or restore that did not end ready: the invoke that waited for it gets its error (the function's, or the
    /// platform's for an exit or a timeout after <paramref name="elapsedMs"/>), and the environment is discarded.
    /// </summary>
    private async Task FailStartAsync(
        InvokeCompletion completion, ExecutionEnvironment env, Activity? invokeSpan, InitResult result, double elapsedMs, ColdStart coldStart)
    {
        var request = completion.Request;
        var (response, outcome) = result switch
        {
            InitResult.Failed f => (InvocationResponse.Function(f.Body, f.ErrorType), new InvocationOutcome(InvocationStatus.Crash, f.ErrorType)),
            InitResult.Exited x => (InvocationResponse.Platform(LambdaErrorTypes.ExitError,
                    PlatformLines.ErrorMessage(request.RequestId, PlatformLines.ExitedMessage(x.Description))),
                new InvocationOutcome(InvocationStatus.Crash, LambdaErrorTypes.ExitError)),
            _ => (InvocationResponse.Platform(LambdaErrorTypes.Timeout,
                    PlatformLines.ErrorMessage(request.RequestId, PlatformLines.TimedOutMessage(TimeSpan.FromMilliseconds(elapsedMs)))),
                new InvocationOutcome(InvocationStatus.Timeout, LambdaErrorTypes.Timeout)),
        };
        await env.KillAndWaitAsync(KillReason.Shutdown).ConfigureAwait(false);
        Emulator.Log.Start(completion.Log, request.RequestId, InvokeApi.LatestVersion);
        if (response.Body is { } body)
        {
            Emulator.Log.ForRequest(completion.Log, request.RequestId, Encoding.UTF8.GetString(body));
        }

        completion.TryEnd(outcome, response);
        Finish(completion, env, invokeSpan, outcome, 0, coldStart);
    }
}
