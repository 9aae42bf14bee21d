using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LlamaAspire.Benchmarks;

/// <summary>
/// The physical floors each measured figure is compared with, measured in the same run on the same machine.
/// </summary>
internal static class Floors
{
    /// <summary>Reads every byte of the files once (after a warming pass) and returns the time of the warm pass.</summary>
    public static TimeSpan PageCacheRead(IReadOnlyList<string> files)
    {
        ReadAll(files); // warm the page cache, as a host that has run the function before would have it
        var stopwatch = Stopwatch.StartNew();
        ReadAll(files);
        return stopwatch.Elapsed;
    }

    private static long ReadAll(IReadOnlyList<string> files)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(4 << 20);
        long total = 0;
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                total += read;
            }
        }

        return total;
    }

    /// <summary>Median wall time from <see cref="Process.Start()"/> to exit of an empty AOT program.</summary>
    public static TimeSpan ProcessStart(string executable, int runs)
    {
        var samples = new List<TimeSpan>(runs);
        for (var i = 0; i < runs + 1; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo(executable) { UseShellExecute = false })
                ?? throw new InvalidOperationException($"Could not start {executable}.");
            process.WaitForExit();
            if (i > 0) // the first start also pays for loading the file into the page cache
            {
                samples.Add(stopwatch.Elapsed);
            }
        }

        return Median(samples);
    }

    /// <summary>Read bandwidth of main memory in bytes/s, with one thread per core the function may use.</summary>
    public static double MemoryReadBandwidth(int threads, long bytes = 1L << 30)
    {
        var perThread = bytes / threads / sizeof(long);
        var arrays = Enumerable.Range(0, threads).Select(_ =>
        {
            var array = GC.AllocateUninitializedArray<long>((int)perThread);
            Array.Fill(array, 1L); // touch every page so the timed pass reads memory, not zero pages
            return array;
        }).ToArray();

        var best = double.MaxValue;
        for (var pass = 0; pass < 3; pass++)
        {
            var stopwatch = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => Sum(arrays[t]));
            best = Math.Min(best, stopwatch.Elapsed.TotalSeconds);
        }

        return perThread * sizeof(long) * threads / best;
    }

    /// <summary>
    /// Reads the array the way the MatMulNBits kernels read weights: the widest vector loads the CPU has (AVX-512 here), four
    /// independent accumulators so loads overlap. A 64-bit-load reader measures 16–21 GB/s on this machine's 2 threads, this
    /// one 24–28 GB/s: the decode bound must use what the kernels can reach.
    /// </summary>
    private static long Sum(long[] array)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var vectors = MemoryMarshal.Cast<long, Vector512<long>>(array);
            Vector512<long> a = default, b = default, c = default, d = default;
            var i = 0;
            for (; i + 4 <= vectors.Length; i += 4)
            {
                a += vectors[i];
                b += vectors[i + 1];
                c += vectors[i + 2];
                d += vectors[i + 3];
            }

            return Vector512.Sum(a + b + c + d);
        }

        var wide = MemoryMarshal.Cast<long, Vector<long>>(array);
        Vector<long> x = default, y = default;
        var j = 0;
        for (; j + 2 <= wide.Length; j += 2)
        {
            x += wide[j];
            y += wide[j + 1];
        }

        return Vector.Sum(x + y);
    }

    public static TimeSpan Median(List<TimeSpan> samples)
    {
        samples.Sort();
        return samples[samples.Count / 2];
    }
}
