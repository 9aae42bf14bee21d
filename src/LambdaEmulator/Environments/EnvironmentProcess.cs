using System.Diagnostics;
using System.Globalization;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using Vars = LlamaAspire.LambdaContracts.LambdaEnvironmentVariables;

namespace LlamaAspire.LambdaEmulator.Environments;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;

/// <summary>Process control for an execution environment: start with Lambda's variables and limits, memory, signals, shutdown.</summary>
public sealed partial class ExecutionEnvironment
{
    private Process? _process;
    private int _pid;
    private TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EnvironmentCgroup? _cgroup;
    private OutputReader[] _readers = [];
    private long _peakMemoryBytes;

    public Task<int> Exited => _exited.Task;

    /// <summary>The runtime's pid, 0 until its process has started.</summary>
    public int Pid => Volatile.Read(ref _pid);

    public DateTime StartedAt { get; private set; } = DateTime.UtcNow;

    public int[] Cpus { get; private set; } = [];

    /// <summary>The sandbox's cgroup, or null when memory and CPU are accounted per process.</summary>
    public EnvironmentCgroup? Cgroup => _cgroup;

    /// <summary>The peak memory seen so far (the cgroup's, or the process's VmHWM).</summary>
    public long PeakMemoryBytes => Interlocked.Read(ref _peakMemoryBytes);

    /// <summary>Starts the runtime process; <paramref name="traceparent"/> is the <see cref="PlatformTelemetry.InitSpan"/> span (W3C).</summary>
    public void StartProcess(string traceparent)
    {
        var f = Context.Function;
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
        {
            psi.ArgumentList.Add(a);
        }

        var runtimeDir = Path.IsPathRooted(command) ? Path.GetDirectoryName(command)! : workDir;
        SetEnvironment(psi.Environment, workDir, runtimeDir, traceparent);

        _cgroup ??= Context.Limits.CreateCgroup(Id, f.MemorySize);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => OnProcessExited(process, exited);
        lock (_lifecycle.Lock)
        {
            if (_lifecycle.State is EnvironmentState.ShuttingDown or EnvironmentState.Dead)
            {
                throw new InvalidOperationException("The execution environment was shut down before its runtime started.");
            }

            _process = process;
            _exited = exited;
        }

        // The spawn instant, handed to the runtime so its init span starts exactly here (/proc's start time has 10 ms ticks).
        var spawned = DateTime.UtcNow;
        psi.Environment[Vars.SpawnTimeTicks] = (spawned - DateTime.UnixEpoch).Ticks.ToString(CultureInfo.InvariantCulture);
        StartedAt = spawned;
        process.Start();
        Volatile.Write(ref _pid, process.Id);
        _cgroup?.Add(process.Id);
        Context.Guard.Track(process.Id);
        process.StandardInput.Close();
        _readers = [new OutputReader(process.StandardOutput.BaseStream, WriteOutput), new OutputReader(process.StandardError.BaseStream, WriteOutput)];
        Cpus = Context.Limits.ApplyCpuAffinity(process.Id, f.MemorySize);
        _ = MonitorMemoryAsync(process.Id, exited.Task);
    }

    private void SetEnvironment(IDictionary<string, string?> env, string workDir, string runtimeDir, string traceparent)
    {
        var f = Context.Function;
        foreach (var key in env.Keys.ToList())
        {
            // The emulator's own settings and trace context must not leak into the function.
            if (key.StartsWith("Lambda__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key is "OTEL_SERVICE_NAME" or "OTEL_RESOURCE_ATTRIBUTES" or Vars.TraceParent or Vars.TraceState or Vars.TraceId)
            {
                env.Remove(key);
            }
        }

        foreach (var (k, v) in f.Environment)
        {
            env[k] = v;
        }

        var name = Context.FunctionName;
        var region = Context.Arn.Region;
        env[Vars.FunctionName] = name;
        env[Vars.FunctionMemorySize] = f.MemorySize.ToString(CultureInfo.InvariantCulture);
        env[Vars.FunctionVersion] = InvokeApi.LatestVersion;
        env[Vars.InitializationType] = InitializationType;
        env[Vars.Region] = region;
        env[Vars.DefaultRegion] = region;
        env[Vars.LogGroupName] = Vars.LogGroupOf(name);
        if (!SnapStart)
        {
            // Lambda leaves it out under SnapStart: one snapshot is restored into many environments, each with its own stream.
            env[Vars.LogStreamName] = LogStreamName;
        }

        env[Vars.TaskRoot] = workDir;
        env[Vars.RuntimeDir] = runtimeDir;
        env[Vars.ExecutionEnv] = f.Environment.TryGetValue(Vars.ExecutionEnv, out var ee) ? ee : "AWS_Lambda_provided.al2023";
        env[Vars.TimeZone] = ":UTC";
        env[Vars.RuntimeApi] = RuntimeApi.Address;
        env[Vars.TraceParent] = traceparent;
        if (!f.Environment.ContainsKey("OTEL_SERVICE_NAME"))
        {
            env["OTEL_SERVICE_NAME"] = name;
        }

        var resource = string.Create(CultureInfo.InvariantCulture,
            $"{FaasAttributes.CloudProvider}={FaasAttributes.AwsProvider},{FaasAttributes.CloudPlatform}={FaasAttributes.AwsLambdaPlatform},{FaasAttributes.CloudRegion}={region},{FaasAttributes.CloudAccountId}={Context.Arn.AccountId},{FaasAttributes.Name}={name},{FaasAttributes.Version}={InvokeApi.LatestVersion},{FaasAttributes.Instance}={Id},{FaasAttributes.MaxMemory}={LambdaLimits.MemoryBytes(f.MemorySize)}");
        env["OTEL_RESOURCE_ATTRIBUTES"] = f.Environment.TryGetValue("OTEL_RESOURCE_ATTRIBUTES", out var extra) && extra.Length > 0 ? $"{resource},{extra}" : resource;
    }

    private void OnProcessExited(Process process, TaskCompletionSource<int> exited)
    {
        int code;
        try
        {
            code = process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        // Let the output readers reach end of file so the function's last lines precede the platform's (bounded: a child
        // that inherited stdout keeps the pipe open).
        Task.WaitAll([.. _readers.Select(r => r.Completion)], TimeSpan.FromMilliseconds(200));
        if (_cgroup is { } cgroup && cgroup.OomKills > 0)
        {
            KillReason = KillReason.OutOfMemory;
        }

        MeasurePeakMemory();
        Context.Guard.Untrack(process.Id);
        KillSandbox();
        OnExited(code);
        exited.TrySetResult(code);
    }

    /// <summary>Watches for an OOM kill: the cgroup's own (any process in the sandbox ends the whole environment, as on
    /// Lambda), else the runtime's RSS above MemorySize, keeping its peak while it runs (the process's VmHWM is gone with it).</summary>
    private async Task MonitorMemoryAsync(int pid, Task exited)
    {
        var limit = LambdaLimits.MemoryBytes(Context.Function.MemorySize);
        while (!exited.IsCompleted)
        {
            bool outOfMemory;
            if (_cgroup is { } cgroup)
            {
                outOfMemory = cgroup.OomKills > 0;
            }
            else
            {
                var (rss, peak) = ResourceLimits.ReadMemory(pid);
                RaisePeak(peak);
                outOfMemory = rss > limit;
            }

            if (outOfMemory && KillReason == KillReason.None)
            {
                KillReason = KillReason.OutOfMemory;
                Kill();
                return;
            }

            await Task.WhenAny(exited, Task.Delay(State is EnvironmentState.Frozen or EnvironmentState.Snapshotted ? 250 : 20)).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the peak now (REPORT's Max Memory Used): the whole sandbox's with a cgroup, and at least the runtime
    /// process's own high-water mark — shared library pages already cached on this host are charged to whichever cgroup read them
    /// first, while a fresh Lambda sandbox reads (and counts) them itself. Both are high-water marks: reading them when asked is
    /// enough while the process and its cgroup exist.</summary>
    public long MeasurePeakMemory()
    {
        var processPeak = Pid is > 0 and var pid ? ResourceLimits.ReadMemory(pid).Peak : 0;
        return RaisePeak(Math.Max(_cgroup?.PeakBytes ?? 0, processPeak));
    }

    private long RaisePeak(long peak)
    {
        long seen;
        while (peak > (seen = Interlocked.Read(ref _peakMemoryBytes)) && Interlocked.CompareExchange(ref _peakMemoryBytes, peak, seen) != seen)
        {
            // Another reader raised the peak meanwhile: compare again.
        }

        return Math.Max(peak, seen);
    }

    /// <summary>SIGKILL the runtime and everything in its sandbox.</summary>
    public void Kill()
    {
        var p = _process;
        if (p is null || Pid == 0)
        {
            return;
        }

        try
        {
            NativeMethods.Signal(Pid, NativeMethods.SIGCONT);
            p.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone: its exit handler does the rest.
        }

        KillSandbox();
    }

    /// <summary>Kills what is left in the cgroup (children that outlived or escaped the runtime's tree) and removes it once empty.</summary>
    private void KillSandbox()
    {
        if (_cgroup is not { } cgroup)
        {
            return;
        }

        foreach (var pid in cgroup.Pids())
        {
            NativeMethods.Signal(pid, NativeMethods.SIGCONT);
            NativeMethods.Signal(pid, NativeMethods.SIGKILL);
        }

        if (_exited.Task.IsCompleted || Pid == 0)
        {
            cgroup.TryRemove();
        }
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
        lock (_lifecycle.Lock)
        {
            if (!_lifecycle.TryFire(EnvironmentTrigger.Shutdown, out var from) && from == EnvironmentState.Dead)
            {
                RemoveCgroupWhenEmpty();
                return;
            }

            if (KillReason == KillReason.None)
            {
                KillReason = KillReason.Shutdown;
            }

            if (Context.Freeze && _pid > 0)
            {
                NativeMethods.Signal(_pid, NativeMethods.SIGCONT);
            }

            p = _process;
        }

        if (p is not null && Pid > 0 && !_exited.Task.IsCompleted)
        {
            NativeMethods.Signal(Pid, NativeMethods.SIGTERM);
            if (await Task.WhenAny(_exited.Task, Task.Delay(Context.ShutdownGracePeriod)).ConfigureAwait(false) != _exited.Task)
            {
                Kill();
                await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            }
        }

        _lifecycle.TryFire(EnvironmentTrigger.ProcessExited);
        _inbox.Writer.TryComplete();
        RemoveCgroupWhenEmpty();
    }

    private void RemoveCgroupWhenEmpty()
    {
        if (_cgroup is { } cgroup && !cgroup.TryRemove())
        {
            KillSandbox();
        }
    }
}
