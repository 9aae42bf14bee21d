using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace LlamaAspire.TestFunction;

/// <summary>
/// A child process of the test function that allocates and touches memory, says so, and holds it until killed: what a function
/// that shells out (or a runtime with helper processes) does to the sandbox's memory.
/// </summary>
internal static class MemoryHolder
{
    public const string Argument = "--hold-memory";

    /// <summary>Starts the child and waits until its memory is resident; returns its pid.</summary>
    public static int Start(int mb)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path to start the child from.");
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet TestFunction.dll` the host needs the assembly first; a native (apphost) build does not.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TestFunction.dll"));
        }

        psi.ArgumentList.Add(Argument);
        psi.ArgumentList.Add(mb.ToString(CultureInfo.InvariantCulture));
        var child = Process.Start(psi) ?? throw new InvalidOperationException("The memory-holding child did not start.");
        // "held" once allocated; nothing if the kernel killed it first (the sandbox's limit) — then the caller's invoke is ended too.
        var line = child.StandardOutput.ReadLine();
        if (line != "held")
        {
            throw new InvalidOperationException($"The memory-holding child (pid {child.Id}) ended before holding {mb} MB.");
        }

        return child.Id;
    }

    /// <summary>The child's body: allocate, report, hold.</summary>
    public static int Run(string[] args)
    {
        var mb = int.Parse(args[1], CultureInfo.InvariantCulture);
        // Native memory, so the .NET GC's own heap limit (derived from the cgroup) does not stop it first: the kernel must.
        unsafe
        {
            var size = (nuint)mb * 1024 * 1024;
            var block = (byte*)NativeMemory.Alloc(size);
            for (nuint i = 0; i < size; i += 4096)
            {
                block[i] = 1;
            }
        }

        Console.Out.WriteLine("held");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
