using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests.Arm64;

/// <summary>Runs where the arm64 cross toolchain and qemu-user are installed, or on CI (<c>CI</c> set), where their absence is
/// a failure (the publish refuses, naming the packages).</summary>
public sealed class Arm64FactAttribute : FactAttribute
{
    public Arm64FactAttribute()
    {
        var missing = Arm64Machine.MissingPackages();
        if (missing.Count > 0 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"The arm64 cross toolchain or qemu-user is not installed: apt-get install {string.Join(' ', missing)}";
        }
    }
}

/// <summary>What running an arm64 executable here takes beyond building it: Debian's user-mode qemu, and the arm64 C++ runtime
/// ONNX Runtime links against (the loader and glibc come with the cross toolchain's libc6-dev-arm64-cross).</summary>
public static class Arm64Machine
{
    public const string Qemu = "qemu-aarch64";

    public static IReadOnlyList<string> MissingPackages()
    {
        var missing = Arm64CrossToolchain.MissingPackages().ToList();
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (!path.Any(d => File.Exists(Path.Combine(d, Qemu))))
        {
            missing.Add("qemu-user");
        }

        if (!File.Exists(Path.Combine(Arm64CrossToolchain.SysRoot, "lib", "libstdc++.so.6")))
        {
            missing.Add("libstdc++6-arm64-cross");
        }

        return missing;
    }
}
