using System.Globalization;

namespace LlamaAspire.Benchmarks;

/// <summary>Peak resident set (VmHWM) from procfs: what Lambda reports as Max Memory Used.</summary>
internal static class PeakRss
{
    public static long OfProcess(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmHWM line.");
    }
}
