using System.Runtime.InteropServices;

namespace LlamaAspire.LlamaModel;

/// <summary>
/// What saved MatMulNBits pre-packs are valid for. ONNX Runtime packs each weight for the kernel its MLAS library picks on
/// the CPU at hand (the choice follows the instruction sets below), in a layout its version defines; it does not check
/// either when it loads saved packs. So the model builder records the three, and the loader refuses packs made for
/// another target before ONNX Runtime would compute with them.
/// </summary>
/// <param name="OnnxRuntimeVersion">ONNX Runtime's version string, e.g. <c>1.32.0</c>.</param>
/// <param name="Architecture"><c>x86_64</c> or <c>arm64</c>.</param>
/// <param name="CpuFeatures">The CPU's features that MLAS dispatches on, sorted.</param>
public sealed record PrepackTarget(string OnnxRuntimeVersion, string Architecture, IReadOnlyList<string> CpuFeatures)
{
    // The /proc/cpuinfo names of what onnxruntime/core/mlas/lib/platform.cpp tests for: its x64 (AVX2/FMA, AVX-512 core,
    // VNNI, AMX) and arm64 (dot product, I8MM, SVE, half/bf16) kernel families.
    private static readonly string[] s_x64Features =
        ["avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16"];

    private static readonly string[] s_arm64Features = ["asimd", "asimddp", "asimdhp", "i8mm", "bf16", "sve", "sve2"];

    private const string CpuInfoPath = "/proc/cpuinfo";

    /// <summary>This process's target, or null where the CPU's features cannot be read (no /proc/cpuinfo).</summary>
    public static PrepackTarget? Current(string onnxRuntimeVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxRuntimeVersion);
        var architecture = RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "x86_64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
        string cpuInfo;
        try
        {
            cpuInfo = File.ReadAllText(CpuInfoPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return new PrepackTarget(onnxRuntimeVersion, architecture, CpuFeaturesOf(cpuInfo, architecture));
    }

    /// <summary>The dispatch-relevant features in a /proc/cpuinfo text (the first CPU's <c>flags</c> or <c>Features</c> line), sorted.</summary>
    public static IReadOnlyList<string> CpuFeaturesOf(string cpuInfo, string architecture)
    {
        ArgumentNullException.ThrowIfNull(cpuInfo);
        var (key, known) = architecture == "arm64" ? ("Features", s_arm64Features) : ("flags", s_x64Features);
        foreach (var line in cpuInfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == key)
            {
                var present = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                return [.. known.Where(present.Contains).Order(StringComparer.Ordinal)];
            }
        }

        return [];
    }

    /// <summary>Why packs saved for this target cannot be used on <paramref name="here"/>; null when they can.</summary>
    public string? MismatchWith(PrepackTarget here)
    {
        ArgumentNullException.ThrowIfNull(here);
        if (Architecture != here.Architecture)
        {
            return $"they were packed on {Architecture} and this is {here.Architecture}";
        }

        if (OnnxRuntimeVersion != here.OnnxRuntimeVersion)
        {
            return $"they were packed by ONNX Runtime {OnnxRuntimeVersion} and this is ONNX Runtime {here.OnnxRuntimeVersion}";
        }

        var missing = CpuFeatures.Except(here.CpuFeatures, StringComparer.Ordinal).ToList();
        var extra = here.CpuFeatures.Except(CpuFeatures, StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && extra.Count == 0)
        {
            return null;
        }

        // Extra features matter too: with them MLAS picks another kernel, whose pack layout differs.
        return $"they were packed for a CPU with [{string.Join(' ', CpuFeatures)}] and this CPU "
            + string.Join(" and ", new[] { missing.Count > 0 ? $"lacks [{string.Join(' ', missing)}]" : null, extra.Count > 0 ? $"also has [{string.Join(' ', extra)}]" : null }.OfType<string>());
    }
}
