using System.IO.Compression;
using System.Reflection;

namespace LlamaAspire.ModelBuilder.Tokenizer;

/// <summary>Writes `tokenizer.model`: the cl100k_base ranks from Microsoft.ML.Tokenizers.Data.Cl100kBase, in tiktoken rank format.</summary>
internal static class TokenizerWriter
{
    public const string FileName = "tokenizer.model";

    public static void Write(string path)
    {
        using var ranks = OpenCl100kRanks();
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write);
        ranks.CopyTo(output);
    }

    /// <summary>The embedded rank file (stored deflate-compressed as `cl100k_base.tiktoken.deflate`), decompressed.</summary>
    public static Stream OpenCl100kRanks()
    {
        var assembly = DataAssembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Contains("cl100k_base", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No cl100k_base resource in {assembly.GetName().Name}.");
        var raw = assembly.GetManifestResourceStream(name)!;
        return name.EndsWith(".deflate", StringComparison.OrdinalIgnoreCase) ? new DeflateStream(raw, CompressionMode.Decompress) : raw;
    }

    /// <summary>The data package's assembly (its types are internal, so it is found by name).</summary>
    internal static Assembly DataAssembly => Assembly.Load(new AssemblyName("Microsoft.ML.Tokenizers.Data.Cl100kBase"));
}
