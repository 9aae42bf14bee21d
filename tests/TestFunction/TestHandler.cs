using System.Buffers;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.TestFunction;

/// <summary>The test function: behaviour chosen by <c>TEST_FUNCTION_INIT</c> at init and by the payload per invoke (README.md).</summary>
internal sealed class TestHandler : ILambdaHandler
{
    public const string InitVariable = "TEST_FUNCTION_INIT";
    private const int PageSize = 4096;
    private const int BlockBytes = 64 * 1024 * 1024;

    // Memory kept alive across invokes by {"action":"alloc","keep":true}.
    private static readonly List<byte[]> s_kept = [];
    private readonly long _initDurationTicks;
    private int _invokes;

    private TestHandler(long initDurationTicks) => _initDurationTicks = initDurationTicks;

    public static async Task<ILambdaHandler> InitializeAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var mode = Environment.GetEnvironmentVariable(InitVariable) ?? "ok";
        switch (mode)
        {
            case "" or "ok":
                break;
            case "error":
                throw new LambdaFunctionException("TestFunction.InitError", $"{InitVariable}=error: init failed on purpose");
            case "crash":
                await Console.Out.FlushAsync(cancellationToken);
                Environment.Exit(3);
                break;
            default:
                if (mode.StartsWith("sleep:", StringComparison.Ordinal) &&
                    int.TryParse(mode.AsSpan("sleep:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                {
                    await Task.Delay(ms, cancellationToken);
                    break;
                }

                throw new LambdaFunctionException("TestFunction.InitError", $"{InitVariable}='{mode}' is not ok | error | crash | sleep:<ms>");
        }

        return new TestHandler(Stopwatch.GetTimestamp() - started);
    }

    public async Task<LambdaResponse> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var invokeNumber = Interlocked.Increment(ref _invokes);
        var command = TestCommand.Parse(invocation.Payload.Span);
        switch (command.Action)
        {
            case "echo":
                return LambdaResponse.Buffered(invocation.Payload);

            case "sleep":
                // Deliberately ignores the deadline token: the emulator's timeout handling must stop this process.
                await Task.Delay(command.Ms, CancellationToken.None);
                return Json(w =>
                {
                    w.WriteString("action", "sleep");
                    w.WriteNumber("ms", command.Ms);
                });

            case "crash":
                await Console.Out.FlushAsync(cancellationToken);
                Environment.Exit(1);
                throw new UnreachableException();

            case "error":
                throw command.ErrorType is { Length: > 0 } errorType
                    ? new LambdaFunctionException(errorType, command.Message ?? "TestFunction error action")
                    : new InvalidOperationException(command.Message ?? "TestFunction error action");

            case "alloc":
                var touched = Allocate(command.Mb, command.Keep);
                return Json(w =>
                {
                    w.WriteString("action", "alloc");
                    w.WriteNumber("mb", command.Mb);
                    w.WriteNumber("pagesTouched", touched);
                    w.WriteNumber("keptMb", s_kept.Sum(b => (long)b.Length) / (1024 * 1024));
                    w.WriteNumber("workingSetMb", Environment.WorkingSet / (1024 * 1024));
                });

            case "stream":
                return LambdaResponse.Streaming("text/plain; charset=utf-8", async (stream, ct) =>
                {
                    for (var i = 0; i < command.Chunks; i++)
                    {
                        if (i > 0 && command.DelayMs > 0)
                        {
                            await Task.Delay(command.DelayMs, ct);
                        }

                        await stream.WriteAsync(Encoding.UTF8.GetBytes($"chunk {i}\n"), ct);
                    }
                });

            case "env":
                return Json(w =>
                {
                    w.WriteStartObject("environment");
                    var variables = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                        .Select(e => (Key: (string)e.Key, Value: e.Value as string ?? ""))
                        .OrderBy(e => e.Key, StringComparer.Ordinal);
                    foreach (var (key, value) in variables)
                    {
                        w.WriteString(key, value);
                    }

                    w.WriteEndObject();
                    w.WriteString("requestId", invocation.RequestId);
                    w.WriteString("traceId", invocation.TraceId);
                    w.WriteString("invokedFunctionArn", invocation.InvokedFunctionArn);
                    w.WriteNumber("remainingMs", (long)invocation.RemainingTime.TotalMilliseconds);
                    w.WriteNumber("invoke", invokeNumber);
                    w.WriteNumber("initMs", Stopwatch.GetElapsedTime(0, _initDurationTicks).TotalMilliseconds);
                    w.WriteNumber("pid", Environment.ProcessId);
                });

            case "hooks":
                return Json(w =>
                {
                    w.WriteString("action", "hooks");
                    w.WriteNumber("beforeSnapshot", TestSnapshotHooks.BeforeSnapshotRuns);
                    w.WriteNumber("afterRestore", TestSnapshotHooks.AfterRestoreRuns);
                    w.WriteNumber("invoke", invokeNumber);
                    w.WriteNumber("pid", Environment.ProcessId);
                });

            case "print":
                Console.Out.WriteLine(command.Text ?? "");
                await Console.Out.FlushAsync(cancellationToken);
                return Json(w =>
                {
                    w.WriteString("action", "print");
                    w.WriteNumber("chars", (command.Text ?? "").Length);
                });

            case "spawn":
                // A child process that allocates: the sandbox (not just this process) must account for it.
                var child = MemoryHolder.Start(command.Mb);
                return Json(w =>
                {
                    w.WriteString("action", "spawn");
                    w.WriteNumber("mb", command.Mb);
                    w.WriteNumber("childPid", child);
                });

            case "spin":
                var (wallMs, cpuMs) = Spin(command.Ms);
                return Json(w =>
                {
                    w.WriteString("action", "spin");
                    w.WriteNumber("wallMs", wallMs);
                    w.WriteNumber("cpuMs", cpuMs);
                    w.WriteNumber("cpuShare", cpuMs / wallMs);
                });

            default:
                throw new LambdaFunctionException(
                    "TestFunction.UnknownAction", $"unknown action '{command.Action}' (echo | sleep | crash | error | alloc | spawn | spin | stream | env | hooks | print)");
        }
    }

    /// <summary>Busy-loops one thread for <paramref name="ms"/> of wall time; the CPU time it got comes from /proc (TotalProcessorTime).</summary>
    private static (double WallMs, double CpuMs) Spin(int ms)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var spins = 0L;
        while (Stopwatch.GetElapsedTime(started).TotalMilliseconds < ms)
        {
            spins++;
        }

        GC.KeepAlive(spins);
        self.Refresh();
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, (self.TotalProcessorTime - cpuBefore).TotalMilliseconds);
    }

    internal static long Allocate(int mb, bool keep)
    {
        if (mb <= 0)
        {
            return 0;
        }

        var remaining = (long)mb * 1024 * 1024;
        var blocks = new List<byte[]>();
        long pages = 0;
        while (remaining > 0)
        {
            var block = GC.AllocateUninitializedArray<byte>((int)Math.Min(remaining, BlockBytes));
            for (var i = 0; i < block.Length; i += PageSize)
            {
                block[i] = 1; // touch every page so it is resident
                pages++;
            }

            blocks.Add(block);
            remaining -= block.Length;
        }

        if (keep)
        {
            s_kept.AddRange(blocks);
        }

        GC.KeepAlive(blocks);
        return pages;
    }

    private static LambdaResponse Json(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return LambdaResponse.Buffered(buffer.WrittenMemory);
    }
}
