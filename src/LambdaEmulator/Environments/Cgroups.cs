using System.Globalization;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>
/// One cgroup per execution environment, so memory and CPU are the sandbox's, not one process's (as on Lambda): memory limit =
/// MemorySize (the kernel's OOM kill surfaces as <c>Runtime.OutOfMemory</c>), peak = the cgroup's high-water mark, CPU quota =
/// MemorySize ÷ 1,769 vCPU. cgroup v2 where it is mounted with the cpu and memory controllers, v1 otherwise; null (and one log
/// line) where neither is writable — the environment then falls back to per-process /proc accounting.
/// </summary>
public sealed class Cgroups
{
    private const string Root = "/sys/fs/cgroup";
    private const string GroupName = "llamaaspire-lambda";
    private const string EmulatorPrefix = "emulator-";
    private const int CpuPeriodMicroseconds = 100_000;

    private readonly string? _v2Parent;
    private readonly string? _v1MemoryParent;
    private readonly string? _v1CpuParent;

    private Cgroups(string? v2Parent, string? v1MemoryParent, string? v1CpuParent)
    {
        _v2Parent = v2Parent;
        _v1MemoryParent = v1MemoryParent;
        _v1CpuParent = v1CpuParent;
    }

    /// <summary>"v2", "v1" or null.</summary>
    public string Version => _v2Parent is not null ? "v2" : "v1";

    /// <summary>Finds a writable hierarchy; null with <paramref name="why"/> saying what is missing.</summary>
    public static Cgroups? TryCreate(out string why)
    {
        why = "";
        if (!OperatingSystem.IsLinux())
        {
            why = "not Linux";
            return null;
        }

        try
        {
            var controllers = Path.Combine(Root, "cgroup.controllers");
            if (File.Exists(controllers))
            {
                var available = File.ReadAllText(controllers);
                if (!available.Contains("memory", StringComparison.Ordinal) || !available.Contains("cpu", StringComparison.Ordinal))
                {
                    why = $"cgroup v2 at {Root} lacks the cpu or memory controller ({available.Trim()})";
                    return null;
                }

                var group = Path.Combine(Root, GroupName);
                Directory.CreateDirectory(group);
                File.WriteAllText(Path.Combine(group, "cgroup.subtree_control"), "+cpu +memory");
                var parent = OwnParent(group);
                File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "+cpu +memory");
                return new Cgroups(parent, null, null);
            }

            var memory = Path.Combine(Root, "memory");
            var cpu = Path.Combine(Root, "cpu");
            if (!File.Exists(Path.Combine(memory, "memory.limit_in_bytes")) || !File.Exists(Path.Combine(cpu, "cpu.cfs_quota_us")))
            {
                why = $"neither cgroup v2 nor the v1 memory and cpu controllers are mounted under {Root}";
                return null;
            }

            return new Cgroups(null, OwnParent(Path.Combine(memory, GroupName)), OwnParent(Path.Combine(cpu, GroupName)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            why = $"cgroups under {Root} are not writable ({ex.Message})";
            return null;
        }
    }

    /// <summary>This emulator's directory under <paramref name="group"/> (<c>emulator-{pid}</c>), after removing those of
    /// emulators that are gone: an emulator that is killed cannot remove its environments' cgroups itself.</summary>
    private static string OwnParent(string group)
    {
        Directory.CreateDirectory(group);
        foreach (var dir in Directory.EnumerateDirectories(group))
        {
            var name = Path.GetFileName(dir);
            var live = name.StartsWith(EmulatorPrefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(EmulatorPrefix.Length), CultureInfo.InvariantCulture, out var pid)
                && Directory.Exists($"/proc/{pid}");
            if (!live)
            {
                // Empty once their processes have exited (a process still alive keeps its cgroup, harmlessly).
                foreach (var environment in Directory.EnumerateDirectories(dir))
                {
                    EnvironmentCgroup.TryDelete(environment);
                }

                EnvironmentCgroup.TryDelete(dir);
            }
        }

        var own = Path.Combine(group, EmulatorPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(own);
        return own;
    }

    /// <summary>Creates the environment's cgroup with its limits; <paramref name="cores"/> caps the quota at the cores present.</summary>
    public EnvironmentCgroup Create(string environmentId, int memoryMb, int cores)
    {
        var bytes = LambdaLimits.MemoryBytes(memoryMb).ToString(CultureInfo.InvariantCulture);
        var quota = (long)Math.Max(1000, Math.Round(Math.Min(LambdaLimits.VcpusFor(memoryMb), cores) * CpuPeriodMicroseconds));
        if (_v2Parent is not null)
        {
            var dir = Path.Combine(_v2Parent, environmentId);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "memory.max"), bytes);
            TryWrite(Path.Combine(dir, "memory.swap.max"), "0");
            File.WriteAllText(Path.Combine(dir, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{quota} {CpuPeriodMicroseconds}"));
            return new EnvironmentCgroup(dir, dir, isV2: true);
        }

        var memoryDir = Path.Combine(_v1MemoryParent!, environmentId);
        var cpuDir = Path.Combine(_v1CpuParent!, environmentId);
        Directory.CreateDirectory(memoryDir);
        Directory.CreateDirectory(cpuDir);
        File.WriteAllText(Path.Combine(memoryDir, "memory.limit_in_bytes"), bytes);
        // Swap would let the sandbox pass its limit without an OOM kill; memsw exists only with swap accounting on.
        TryWrite(Path.Combine(memoryDir, "memory.memsw.limit_in_bytes"), bytes);
        TryWrite(Path.Combine(memoryDir, "memory.swappiness"), "0");
        File.WriteAllText(Path.Combine(cpuDir, "cpu.cfs_period_us"), CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(cpuDir, "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
        return new EnvironmentCgroup(memoryDir, cpuDir, isV2: false);
    }

    private static void TryWrite(string path, string value)
    {
        if (File.Exists(path))
        {
            File.WriteAllText(path, value);
        }
    }
}

/// <summary>One environment's cgroup (the v1 memory and cpu directories, or one v2 directory).</summary>
public sealed class EnvironmentCgroup(string memoryDir, string cpuDir, bool isV2)
{
    /// <summary>The memory cgroup's directory.</summary>
    public string MemoryPath => memoryDir;

    /// <summary>The CPU quota in use, as a fraction of one core.</summary>
    public double CpuQuota
    {
        get
        {
            if (isV2)
            {
                var parts = File.ReadAllText(Path.Combine(cpuDir, "cpu.max")).Split(' ');
                return double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
            }

            return ReadLong(Path.Combine(cpuDir, "cpu.cfs_quota_us")) / (double)ReadLong(Path.Combine(cpuDir, "cpu.cfs_period_us"));
        }
    }

    /// <summary>Moves a process in; the children it forks afterwards are born inside.</summary>
    public void Add(int pid)
    {
        var value = pid.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(memoryDir, "cgroup.procs"), value);
        if (!isV2)
        {
            File.WriteAllText(Path.Combine(cpuDir, "cgroup.procs"), value);
        }
    }

    /// <summary>The sandbox's memory high-water mark, bytes (0 once the cgroup is gone).</summary>
    public long PeakBytes => isV2 ? TryReadLong(Path.Combine(memoryDir, "memory.peak")) : TryReadLong(Path.Combine(memoryDir, "memory.max_usage_in_bytes"));

    /// <summary>How many processes the kernel's OOM killer has killed in the sandbox.</summary>
    public long OomKills
    {
        get
        {
            var file = Path.Combine(memoryDir, isV2 ? "memory.events" : "memory.oom_control");
            try
            {
                foreach (var line in File.ReadLines(file))
                {
                    if (line.StartsWith("oom_kill ", StringComparison.Ordinal))
                    {
                        return long.Parse(line.AsSpan("oom_kill ".Length), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The cgroup is being removed with its environment: no more kills to count.
                return 0;
            }

            return 0;
        }
    }

    /// <summary>Every process in the sandbox.</summary>
    public IReadOnlyList<int> Pids()
    {
        try
        {
            return File.ReadAllLines(Path.Combine(memoryDir, "cgroup.procs"))
                .Select(l => int.TryParse(l, CultureInfo.InvariantCulture, out var pid) ? pid : 0).Where(p => p > 0).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Removes the directories once every process has left (the kernel refuses while any remains).</summary>
    public bool TryRemove()
    {
        var removed = TryDelete(memoryDir);
        return (isV2 || TryDelete(cpuDir)) && removed;
    }

    /// <summary>Removes an empty cgroup directory; false while a process is inside.</summary>
    internal static bool TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            // EBUSY: a process is still inside; the caller retries after killing it.
            return false;
        }
    }

    private static long ReadLong(string path) => long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);

    private static long TryReadLong(string path)
    {
        try
        {
            return ReadLong(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}
