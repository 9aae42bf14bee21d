using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaAspire.LambdaEmulator.Telemetry;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>The init phase of a cold start: INIT_START, the 10 s limit, suppressed init, INIT_REPORT on failure.</summary>
public sealed partial class FunctionPool
{
    private string InitStartLine =>
        $"INIT_START Runtime Version: provided:al2023.llamaaspire\tRuntime Version ARN: arn:aws:lambda:{Emulator.Options.Region}::runtime:llamaaspire-emulator";

    /// <summary>Initializes a new environment for <paramref name="invocation"/>; returns the invoke's remaining
    /// time budget in ms, or null when init failed (the invocation has then been answered and finished).</summary>
    private async Task<double?> InitAsync(Invocation invocation, ExecutionEnvironment env, Activity? invokeSpan)
    {
        Interlocked.Increment(ref _coldStarts);
        var tags = EmulatorTelemetry.Tags(Name, invocation.Trigger);
        Emulator.Telemetry.ColdStarts.Add(1, tags);
        env.AttachLog(invocation);

        using var initSpan = EmulatorTelemetry.Source.StartActivity("platform.init", ActivityKind.Internal, invocation.ParentContext);
        initSpan?.SetTag("faas.name", Name);
        initSpan?.SetTag("faas.coldstart", true);
        initSpan?.SetTag("faas.invocation_id", invocation.RequestId);
        initSpan?.SetTag("aws.lambda.initialization_type", "on-demand");
        initSpan?.SetTag("cloud.resource_id", Arn);
        var traceId = initSpan?.TraceId ?? invokeSpan?.TraceId ?? ActivityTraceId.CreateRandom();
        var traceparent = initSpan?.Id ?? $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

        var phase = "init";
        var start = Stopwatch.GetTimestamp();
        var functionTimeoutMs = Options.Timeout * 1000.0;
        InitResult result;
        try
        {
            env.Write(InitStartLine);
            env.StartProcess(traceparent, phase);
            result = await env.WaitInitAsync(TimeSpan.FromSeconds(Emulator.Options.InitTimeout)).ConfigureAwait(false);
            if (result is InitResult.TimedOut)
            {
                // Lambda: init past 10 s is retried inside the first invoke, under the function timeout ("suppressed init").
                env.Write(InitReport(Stopwatch.GetElapsedTime(start).TotalMilliseconds, phase, "timeout", null));
                await env.KillAndWaitAsync(KillReason.InitTimeout).ConfigureAwait(false);
                env.ResetForInitRetry();
                phase = "invoke";
                initSpan?.SetTag("aws.lambda.init_phase", "invoke");
                start = Stopwatch.GetTimestamp();
                env.Write(InitStartLine);
                env.StartProcess(traceparent, phase);
                result = await env.WaitInitAsync(TimeSpan.FromMilliseconds(functionTimeoutMs)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            result = new InitResult.Error(Invocation.ErrorBody("Runtime.InvalidEntrypoint",
                $"RequestId: {invocation.RequestId} Error: cannot start '{Options.Command}': {ex.Message}"), "Runtime.InvalidEntrypoint");
        }

        var initMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Emulator.Telemetry.InitDuration.Record(initMs / 1000.0, tags);
        if (result is InitResult.Ready)
        {
            env.MarkWarm();
            invocation.InitDurationMs = initMs;
            initSpan?.SetTag("aws.lambda.init_status", "success");
            return phase == "init" ? functionTimeoutMs : Math.Max(1, functionTimeoutMs - initMs);
        }

        // Init failed: the error is served to the invoke that triggered it, and the environment is discarded.
        var (status, errorType, response, outcome) = result switch
        {
            InitResult.Error e => ("error", e.ErrorType,
                new InvocationResponse(ResponseKind.FunctionError, "application/json", e.Body, null, e.ErrorType),
                new InvocationOutcome(InvocationStatus.Error, e.ErrorType)),
            InitResult.Exited x => ("error", "Runtime.ExitError",
                PlatformError("Runtime.ExitError", $"RequestId: {invocation.RequestId} Error: Runtime exited with error: {x.Description}"),
                new InvocationOutcome(InvocationStatus.Crash, "Runtime.ExitError")),
            _ => ("timeout", "Sandbox.Timedout",
                PlatformError("Sandbox.Timedout", string.Create(CultureInfo.InvariantCulture,
                    $"RequestId: {invocation.RequestId} Error: Task timed out after {initMs / 1000.0:F2} seconds")),
                new InvocationOutcome(InvocationStatus.Timeout, "Sandbox.Timedout")),
        };
        initSpan?.SetTag("aws.lambda.init_status", status);
        initSpan?.SetStatus(ActivityStatusCode.Error, errorType);
        env.Write(InitReport(initMs, phase, status, errorType));
        await env.KillAndWaitAsync(KillReason.Shutdown).ConfigureAwait(false);

        invocation.StartTimestamp = Stopwatch.GetTimestamp();
        env.Write($"START RequestId: {invocation.RequestId} Version: $LATEST");
        if (response.Body is { } body)
            env.Write($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {invocation.RequestId} {System.Text.Encoding.UTF8.GetString(body)}");
        invocation.Response.TrySetResult(response);
        invocation.Done.TrySetResult(outcome);
        invocation.InitDurationMs = initMs;
        Finish(invocation, env, invokeSpan, outcome.Status == InvocationStatus.Error ? outcome with { Status = InvocationStatus.Crash } : outcome, 0);
        return null;
    }

    private static InvocationResponse PlatformError(string type, string message) =>
        new(ResponseKind.PlatformError, "application/json", Invocation.ErrorBody(type, message), null, type);

    private static string InitReport(double ms, string phase, string status, string? errorType) =>
        string.Create(CultureInfo.InvariantCulture, $"INIT_REPORT Init Duration: {ms:F2} ms\tPhase: {phase}\tStatus: {status}")
        + (errorType is null ? "" : $"\tError Type: {errorType}");
}
