using System.Runtime.InteropServices;

namespace LlamaAspire.LambdaEmulator.Environments;

/// <summary>libc calls for signals and CPU affinity (Linux).</summary>
internal static partial class NativeMethods
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nint cpusetsize, byte[] mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nint cpusetsize, byte[] mask);

    public static bool Signal(int pid, int signal) => OperatingSystem.IsLinux() && Kill(pid, signal) == 0;
}
