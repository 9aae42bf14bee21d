using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests.Arm64;

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
