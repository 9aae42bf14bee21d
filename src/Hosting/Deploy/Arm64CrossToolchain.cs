using System.Runtime.InteropServices;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// What Native AOT needs to link a linux-arm64 <c>bootstrap</c> on an x64 machine, as Debian packages: clang drives the link
/// for <c>--target=aarch64-linux-gnu</c> and finds Debian's cross GCC installation by itself (no sysroot argument), which
/// brings the aarch64 <c>ld</c> and <c>objcopy</c>, the C runtime start files and libgcc; the arm64 glibc is the last piece.
/// Checked before a publish so a missing piece is named, instead of a linker error minutes into the build.
/// </summary>
internal static class Arm64CrossToolchain
{
    /// <summary>Where Debian's cross packages put the arm64 glibc and its loader (also qemu-aarch64's <c>-L</c> prefix).</summary>
    public const string SysRoot = "/usr/aarch64-linux-gnu";

    /// <summary>The packages, in install order, with what shows each one is there.</summary>
    private static readonly (string Package, string[] Executables, string[] Files)[] s_requirements =
    [
        ("clang", ["clang"], []),
        ("binutils-aarch64-linux-gnu", ["aarch64-linux-gnu-ld.bfd", "aarch64-linux-gnu-objcopy"], []),
        ("gcc-aarch64-linux-gnu", ["aarch64-linux-gnu-gcc"], []),
        ("libc6-dev-arm64-cross", [], [SysRoot + "/lib/Scrt1.o", SysRoot + "/lib/libc.so"]),
    ];

    /// <summary>True when this machine is not arm64, so a linux-arm64 publish cross-compiles.</summary>
    public static bool IsCrossCompiling => RuntimeInformation.OSArchitecture != Architecture.Arm64;

    /// <summary>The Debian packages missing here (none on an arm64 machine, which links natively).</summary>
    public static IReadOnlyList<string> MissingPackages() =>
        IsCrossCompiling ? MissingPackages(Environment.GetEnvironmentVariable("PATH"), "/") : [];

    /// <summary>The Debian packages whose executables are not on <paramref name="pathVariable"/> or whose files are not under
    /// <paramref name="fileSystemRoot"/>.</summary>
    public static IReadOnlyList<string> MissingPackages(string? pathVariable, string fileSystemRoot)
    {
        var directories = (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return [.. s_requirements
            .Where(r => !r.Executables.All(e => directories.Any(d => File.Exists(Path.Combine(d, e))))
                        || !r.Files.All(f => File.Exists(Path.Combine(fileSystemRoot, f.TrimStart('/')))))
            .Select(r => r.Package)];
    }

    /// <summary>The refusal for <paramref name="missing"/>: what is missing and the command that installs it.</summary>
    public static string Refusal(IReadOnlyList<string> missing) =>
        $"Cross-compiling the linux-arm64 bootstrap on this {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()} machine " +
        $"needs Debian packages that are not installed: apt-get install {string.Join(' ', missing)}";
}
