namespace LlamaAspire.Hosting.Deploy;

/// <summary>The instruction set an ELF executable is built for (<c>e_machine</c>), to check a bootstrap against the
/// function's architecture before it is packaged.</summary>
internal static class ElfMachine
{
    /// <summary><c>EM_X86_64</c>.</summary>
    public const ushort X64 = 62;

    /// <summary><c>EM_AARCH64</c>.</summary>
    public const ushort Arm64 = 183;

    /// <summary>The machine <paramref name="architecture"/> needs.</summary>
    public static ushort For(LambdaArchitecture architecture) => architecture == LambdaArchitecture.Arm64 ? Arm64 : X64;

    /// <summary>The file's <c>e_machine</c>, or null when it is not a little-endian ELF file.</summary>
    public static ushort? Read(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
            || header[0] != 0x7F || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F' || header[5] != 1)
        {
            return null;
        }

        return (ushort)(header[18] | (header[19] << 8));
    }

    /// <summary>"x86_64" or "arm64" for the machines Lambda runs, else the number.</summary>
    public static string Name(ushort? machine) => machine switch
    {
        X64 => "x86_64",
        Arm64 => "arm64",
        null => "not an ELF executable",
        _ => $"ELF machine {machine}",
    };
}
