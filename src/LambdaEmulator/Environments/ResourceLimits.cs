using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// CPU and memory as Lambda sizes them: vCPU share = MemorySize / 1,769 MB (max 6), applied as CPU affinity
/// (whole cores, at least one, never more than present) and, where cgroup v2 is writable, a cpu.max quota
/// for the exact fraction. Memory is measured from /proc (VmRSS, VmHWM).
/// </summary>
public sealed class ResourceLimits
{
    public const double MbPerVcpu = 1769;
    private const string CgroupRoot = "/sys/fs/cgroup";
    private readonly ILogger<ResourceLimits> _logger;
    private readonly int[] _cpus;
    private readonly string? _cgroupParent;
    private int _nextCpu;

    public ResourceLimits(ILogger<ResourceLimits> logger)
    {
        _logger = logger;
        _cpus = AvailableCpus();
        _cgroupParent = PrepareCgroup();
    }

    public static double VcpuShare(int memoryMb) => Math.Min(6.0, memoryMb / MbPerVcpu);

    public int CoresFor(int memoryMb) =>
        Math.Clamp((int)Math.Ceiling(VcpuShare(memoryMb)), 1, Math.Max(1, Math.Min(6, _cpus.Length)));

    public bool CgroupAvailable => _cgroupParent is not null;

    /// <summary>Pins every thread of the process to its share of cores (threads created later inherit it).</summary>
    public int[] ApplyCpuAffinity(int pid, int memoryMb)
    {
        if (!OperatingSystem.IsLinux() || _cpus.Length == 0)
            return [];
        var count = CoresFor(memoryMb);
        var chosen = new int[count];
        var start = Interlocked.Add(ref _nextCpu, count) - count;
        for (var i = 0; i < count; i++)
            chosen[i] = _cpus[(int)((uint)(start + i) % (uint)_cpus.Length)];
        var mask = new byte[128];
        foreach (var cpu in chosen)
            mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        foreach (var tid in Threads(pid))
        {
            if (NativeMethods.SchedSetAffinity(tid, mask.Length, mask) != 0)
                _logger.LogDebug("sched_setaffinity({Tid}) failed: errno {Errno}", tid, Marshal.GetLastPInvokeError());
        }
        return chosen;
    }

    /// <summary>Puts the process in its own cgroup with cpu.max = share × period; returns the cgroup path or null.</summary>
    public string? ApplyCpuQuota(int pid, string environmentId, int memoryMb)
    {
        if (_cgroupParent is null)
            return null;
        try
        {
            var dir = Path.Combine(_cgroupParent, environmentId);
            Directory.CreateDirectory(dir);
            const int period = 100_000;
            var quota = (int)Math.Max(1000, Math.Round(VcpuShare(memoryMb) * period));
            File.WriteAllText(Path.Combine(dir, "cpu.max"), $"{quota} {period}");
            File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            return dir;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogInformation("cgroup cpu.max quota not applied to {Environment}: {Message}", environmentId, ex.Message);
            return null;
        }
    }

    public static void RemoveCgroup(string? path)
    {
        if (path is null)
            return;
        try { Directory.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
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
                    rss = ParseKb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    hwm = ParseKb(line);
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
            return [];
        var mask = new byte[128];
        if (NativeMethods.SchedGetAffinity(0, mask.Length, mask) != 0)
            return Enumerable.Range(0, Environment.ProcessorCount).ToArray();
        var cpus = new List<int>();
        for (var i = 0; i < mask.Length * 8; i++)
            if ((mask[i / 8] & (1 << (i % 8))) != 0)
                cpus.Add(i);
        return [.. cpus];
    }

    private string? PrepareCgroup()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Path.Combine(CgroupRoot, "cgroup.controllers")))
        {
            _logger.LogInformation("cgroup v2 not mounted at {Root}: CPU share applied with affinity only (no cpu.max quota)", CgroupRoot);
            return null;
        }
        try
        {
            var controllers = File.ReadAllText(Path.Combine(CgroupRoot, "cgroup.controllers"));
            if (!controllers.Contains("cpu", StringComparison.Ordinal))
                throw new IOException("cpu controller not available");
            var parent = Path.Combine(CgroupRoot, "llamaaspire-lambda");
            Directory.CreateDirectory(parent);
            var subtree = Path.Combine(parent, "cgroup.subtree_control");
            if (!File.ReadAllText(subtree).Contains("cpu", StringComparison.Ordinal))
                File.WriteAllText(subtree, "+cpu");
            return parent;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogInformation("cgroup v2 at {Root} not writable ({Message}): CPU share applied with affinity only", CgroupRoot, ex.Message);
            return null;
        }
    }
}
