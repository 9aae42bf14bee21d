using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests.Arm64;

/// <summary>Which Debian packages the arm64 cross-compile is missing, found by what each package installs.</summary>
public sealed class Arm64CrossToolchainTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("deploy-toolchain-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void An_empty_machine_misses_every_package_and_the_refusal_says_what_to_install()
    {
        var missing = Arm64CrossToolchain.MissingPackages(pathVariable: "", _root);

        Assert.Equal(["clang", "binutils-aarch64-linux-gnu", "gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"], missing);
        Assert.EndsWith("needs Debian packages that are not installed: apt-get install clang binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross",
            Arm64CrossToolchain.Refusal(missing), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_package_counts_only_when_all_it_provides_is_there()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        var lib = Directory.CreateDirectory(Path.Combine(_root, Arm64CrossToolchain.SysRoot.TrimStart('/'), "lib")).FullName;
        foreach (var executable in (string[])["clang", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-ld.bfd"])
        {
            File.WriteAllText(Path.Combine(bin, executable), "");
        }

        File.WriteAllText(Path.Combine(lib, "Scrt1.o"), "");
        File.WriteAllText(Path.Combine(lib, "libc.so"), "");

        // No aarch64 objcopy yet (binutils), then all there.
        Assert.Equal(["binutils-aarch64-linux-gnu"], Arm64CrossToolchain.MissingPackages($"/nonexistent{Path.PathSeparator}{bin}", _root));
        File.WriteAllText(Path.Combine(bin, "aarch64-linux-gnu-objcopy"), "");
        Assert.Empty(Arm64CrossToolchain.MissingPackages(bin, _root));
        File.Delete(Path.Combine(lib, "libc.so"));
        Assert.Equal(["libc6-dev-arm64-cross"], Arm64CrossToolchain.MissingPackages(bin, _root));
    }
}
