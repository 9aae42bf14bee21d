using System.Diagnostics;
using System.Globalization;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>Process control for an execution environment: start with Lambda's variables, limits, signals, shutdown.</summary>
public sealed partial class ExecutionEnvironment
{
    private Process? _process;
    private int _pid;
    private TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _cgroup;

    public Task<int> Exited => _exited.Task;

    /// <summary>Starts the runtime process; <paramref name="traceparent"/> is the platform.init span (W3C).</summary>
    public void StartProcess(string traceparent, string initPhase)
    {
        var f = Function.Options;
        var emulator = Function.Emulator.Options;
        var workDir = string.IsNullOrEmpty(f.WorkingDirectory) ? Directory.GetCurrentDirectory() : Path.GetFullPath(f.WorkingDirectory);
        // A relative command (e.g. ./bootstrap) is looked up in the working directory first, then on PATH.
        var command = !Path.IsPathRooted(f.Command) && File.Exists(Path.Combine(workDir, f.Command)) ? Path.Combine(workDir, f.Command) : f.Command;
        var psi = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workDir,
        };
        foreach (var a in f.Arguments)
            psi.ArgumentList.Add(a);

        var env = psi.Environment;
        foreach (var key in env.Keys.ToList())
        {
            if (key.StartsWith("Lambda__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key is "OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES" or "TRACEPARENT" or "TRACESTATE" or "_X_AMZN_TRACE_ID")
                env.Remove(key);
        }
        foreach (var (k, v) in f.Environment)
            env[k] = v;

        var name = Function.Name;
        var runtimeDir = Path.IsPathRooted(command) ? Path.GetDirectoryName(command)! : workDir;
        env["AWS_LAMBDA_FUNCTION_NAME"] = name;
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = f.MemorySize.ToString(CultureInfo.InvariantCulture);
        env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        env["AWS_REGION"] = emulator.Region;
        env["AWS_DEFAULT_REGION"] = emulator.Region;
        env["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/{name}";
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = LogStreamName;
        env["LAMBDA_TASK_ROOT"] = workDir;
        env["LAMBDA_RUNTIME_DIR"] = runtimeDir;
        env["AWS_EXECUTION_ENV"] = f.Environment.TryGetValue("AWS_EXECUTION_ENV", out var ee) ? ee : "AWS_Lambda_provided.al2023";
        env["TZ"] = ":UTC";
        env["AWS_LAMBDA_RUNTIME_API"] = RuntimeApi.Address;
        env["TRACEPARENT"] = traceparent;
        env["LLAMAASPIRE_INIT_PHASE"] = initPhase;
        if (!f.Environment.ContainsKey("OTEL_SERVICE_NAME"))
            env["OTEL_SERVICE_NAME"] = name;
        var resource = string.Create(CultureInfo.InvariantCulture,
            $"cloud.provider=aws,cloud.platform=aws_lambda,cloud.region={emulator.Region},cloud.account.id={emulator.AccountId},faas.name={name},faas.version=$LATEST,faas.instance={Id},faas.max_memory={(long)f.MemorySize * 1024 * 1024}");
        env["OTEL_RESOURCE_ATTRIBUTES"] = f.Environment.TryGetValue("OTEL_RESOURCE_ATTRIBUTES", out var extra) && extra.Length > 0 ? $"{resource},{extra}" : resource;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Write(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Write(e.Data); };
        process.Exited += (_, _) =>
        {
            int code;
            try { code = process.ExitCode; }
            catch (InvalidOperationException) { code = -1; }
            // Let the output readers catch up so the function's last lines precede the platform's.
            process.WaitForExit(200);
            Function.Emulator.Guard.Untrack(process.Id);
            OnExited(code);
            exited.TrySetResult(code);
            ResourceLimits.RemoveCgroup(_cgroup);
        };
        lock (_lock)
        {
            if (_state is EnvironmentState.ShuttingDown or EnvironmentState.Dead)
                throw new InvalidOperationException("The execution environment was shut down before its runtime started.");
            _process = process;
            _exited = exited;
            StartedAt = DateTime.UtcNow;
        }
        process.Start();
        Volatile.Write(ref _pid, process.Id);
        Function.Emulator.Guard.Track(process.Id);
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var limits = Function.Emulator.Limits;
        Cpus = limits.ApplyCpuAffinity(process.Id, f.MemorySize);
        _cgroup = limits.ApplyCpuQuota(process.Id, Id, f.MemorySize);
        _ = MonitorMemoryAsync(process, exited.Task);
    }

    /// <summary>Polls RSS: above MemorySize the process is killed (Runtime.OutOfMemory); keeps the peak (VmHWM).</summary>
    private async Task MonitorMemoryAsync(Process process, Task exited)
    {
        var limit = (long)Function.Options.MemorySize * 1024 * 1024;
        var pid = process.Id;
        while (!exited.IsCompleted)
        {
            var (rss, peak) = ResourceLimits.ReadMemory(pid);
            if (peak > PeakMemoryBytes)
                PeakMemoryBytes = peak;
            if (rss > limit && KillReason == KillReason.None)
            {
                KillReason = KillReason.OutOfMemory;
                Kill();
                return;
            }
            await Task.WhenAny(exited, Task.Delay(State == EnvironmentState.Frozen ? 250 : 20)).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the peak now (REPORT's Max Memory Used).</summary>
    public long MeasurePeakMemory()
    {
        if (Pid is > 0 and var pid)
        {
            var (_, peak) = ResourceLimits.ReadMemory(pid);
            if (peak > PeakMemoryBytes)
                PeakMemoryBytes = peak;
        }
        return PeakMemoryBytes;
    }

    /// <summary>SIGKILL the runtime and anything it started.</summary>
    public void Kill()
    {
        var p = _process;
        if (p is null || Pid == 0)
            return;
        try
        {
            NativeMethods.Signal(Pid, NativeMethods.SIGCONT);
            p.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    /// <summary>Kills the process of a timed-out init and waits for it, before the suppressed-init retry.</summary>
    public async Task KillAndWaitAsync(KillReason reason)
    {
        KillReason = reason;
        var exited = _exited.Task;
        Kill();
        await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }

    /// <summary>Lambda's shutdown: SIGTERM, then SIGKILL after the grace period (2 s).</summary>
    public async Task ShutdownAsync()
    {
        Process? p;
        lock (_lock)
        {
            if (_state is EnvironmentState.Dead)
                return;
            _state = EnvironmentState.ShuttingDown;
            if (KillReason == KillReason.None)
                KillReason = KillReason.Shutdown;
            Thaw();
            p = _process;
        }
        if (p is not null && Pid > 0 && !_exited.Task.IsCompleted)
        {
            NativeMethods.Signal(Pid, NativeMethods.SIGTERM);
            var grace = TimeSpan.FromSeconds(Function.Emulator.Options.ShutdownGracePeriod);
            if (await Task.WhenAny(_exited.Task, Task.Delay(grace)).ConfigureAwait(false) != _exited.Task)
            {
                Kill();
                await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            }
        }
        lock (_lock)
            _state = EnvironmentState.Dead;
        _inbox.Writer.TryComplete();
    }
}
