using System.Globalization;
using System.Runtime.InteropServices;
using LlamaAspire.LambdaContracts;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// CPU and memory as Lambda sizes them: vCPU share = MemorySize / 1,769 MB (max 6), applied as CPU affinity (whole cores, at
/// least one, never more than present) and, through <see cref="Cgroups"/>, a CPU quota for the exact fraction and a memory limit
/// for the whole sandbox. Without writable cgroups memory is measured per process from /proc (VmRSS, VmHWM).
/// </summary>
public sealed class ResourceLimits
{
    private readonly ILogger<ResourceLimits> _logger;
    private readonly int[] _cpus;
    private int _nextCpu;

    public ResourceLimits(ILogger<ResourceLimits> logger)
    {
        _logger = logger;
        _cpus = AvailableCpus();
        Cgroups = Cgroups.TryCreate(out var why);
        if (Cgroups is null)
        {
            _logger.LogInformation("No per-environment cgroups ({Why}): CPU share applied with affinity only, memory measured and limited per process", why);
        }
    }

    /// <summary>The per-environment cgroups, or null where they are not available.</summary>
    public Cgroups? Cgroups { get; }

    public int CoresFor(int memoryMb) =>
        Math.Clamp((int)Math.Ceiling(LambdaLimits.VcpusFor(memoryMb)), 1, Math.Max(1, Math.Min(LambdaLimits.MaxVcpus, _cpus.Length)));

    /// <summary>Cores this machine lets the emulator use.</summary>
    public int CoresPresent => Math.Max(1, _cpus.Length);

    /// <summary>The environment's cgroup with its limits, or null (logged) when cgroups are unavailable or refuse it.</summary>
    public EnvironmentCgroup? CreateCgroup(string environmentId, int memoryMb)
    {
        if (Cgroups is null)
        {
            return null;
        }

        try
        {
            return Cgroups.Create(environmentId, memoryMb, CoresPresent);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("cgroup for environment {Environment} not created ({Message}): its memory is measured per process", environmentId, ex.Message);
            return null;
        }
    }

    /// <summary>Pins every thread of the process to its share of cores (threads created later inherit it).</summary>
    public int[] ApplyCpuAffinity(int pid, int memoryMb)
    {
        if (!OperatingSystem.IsLinux() || _cpus.Length == 0)
        {
            return [];
        }

        var count = CoresFor(memoryMb);
        var chosen = new int[count];
        var start = Interlocked.Add(ref _nextCpu, count) - count;
        for (var i = 0; i < count; i++)
        {
            chosen[i] = _cpus[(int)((uint)(start + i) % (uint)_cpus.Length)];
        }

        var mask = new byte[128];
        foreach (var cpu in chosen)
        {
            mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        }

        foreach (var tid in Threads(pid))
        {
            if (NativeMethods.SchedSetAffinity(tid, mask.Length, mask) != 0)
            {
                _logger.LogDebug("sched_setaffinity({Tid}) failed: errno {Errno}", tid, Marshal.GetLastPInvokeError());
            }
        }
        return chosen;
    }

    /// <summary>Resident set size and its peak (VmRSS, VmHWM) in bytes, or (0, 0) once the process is gone.</summary>
    public static (long Rss, long Peak) ReadMemory(int pid)
    {
        long rss = 0, hwm = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = ParseKb(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = ParseKb(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return (rss, hwm);
    }

    private static long ParseKb(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }

    private static IEnumerable<int> Threads(int pid)
    {
        string[] tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return [pid]; }
        return tasks.Select(t => int.TryParse(Path.GetFileName(t), CultureInfo.InvariantCulture, out var tid) ? tid : -1).Where(t => t > 0);
    }

    private static int[] AvailableCpus()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var mask = new byte[128];
        if (NativeMethods.SchedGetAffinity(0, mask.Length, mask) != 0)
        {
            return Enumerable.Range(0, Environment.ProcessorCount).ToArray();
        }

        var cpus = new List<int>();
        for (var i = 0; i < mask.Length * 8; i++)
        {
            if ((mask[i / 8] & (1 << (i % 8))) != 0)
            {
                cpus.Add(i);
            }
        }

        return [.. cpus];
    }
}
