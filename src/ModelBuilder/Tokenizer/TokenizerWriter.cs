using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.ModelBuilder.Tokenizer;

/// <summary>
/// Writes `tokenizer.model` in tiktoken rank format (`base64(token) rank` per line, as Meta ships Llama 3's
/// `original/tokenizer.model`) with the cl100k_base ranks from Microsoft.ML.Tokenizers.Data.Cl100kBase.
/// </summary>
internal static class TokenizerWriter
{
    /// <summary>What <see cref="WriteInto"/> writes.</summary>
    public static IReadOnlyList<string> Files { get; } =
        [ModelDirectoryLayout.TiktokenFile, ModelDirectoryLayout.CompiledTokenizerFile, .. HuggingFaceTokenizerWriter.Files];

    /// <summary>
    /// Writes the rank file into <paramref name="modelDir"/>, the tokenizer compiled from it for the function's cold start, and
    /// the same tokenizer as Hugging Face files for ONNX Runtime GenAI and other readers.
    /// </summary>
    public static void WriteInto(string modelDir)
    {
        var source = Path.Combine(modelDir, ModelDirectoryLayout.TiktokenFile);
        Write(source);
        CompiledTokenizer.Write(source, Path.Combine(modelDir, ModelDirectoryLayout.CompiledTokenizerFile));
        HuggingFaceTokenizerWriter.WriteInto(modelDir, BytePairRanks.Parse(File.ReadAllBytes(source)));
    }

    public static void Write(string path)
    {
        using var reader = new StreamReader(OpenCl100kResource(), Encoding.UTF8);
        using var output = new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        var rank = 0;
        var first = true;
        while (reader.ReadLine() is { } line)
        {
            if (first && line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                first = false;
                continue; // the package's compact form: a capacity header, then one token per line, rank = line index
            }

            first = false;
            if (line.Length == 0)
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                output.WriteLine(line); // already `token rank`
                rank = int.Parse(line.AsSpan(space + 1), CultureInfo.InvariantCulture) + 1;
            }
            else
            {
                output.Write(line);
                output.Write(' ');
                output.WriteLine(rank.ToString(CultureInfo.InvariantCulture));
                rank++;
            }
        }
    }

    /// <summary>The embedded rank resource (stored deflate-compressed as `cl100k_base.tiktoken.deflate`), decompressed.</summary>
    private static Stream OpenCl100kResource()
    {
        var assembly = DataAssembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Contains("cl100k_base", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No cl100k_base resource in {assembly.GetName().Name}.");
        var raw = assembly.GetManifestResourceStream(name)!;
        return name.EndsWith(".deflate", StringComparison.OrdinalIgnoreCase) ? new DeflateStream(raw, CompressionMode.Decompress) : raw;
    }

    /// <summary>The data package's assembly (its types are internal, so it is found by name).</summary>
    private static Assembly DataAssembly => Assembly.Load(new AssemblyName("Microsoft.ML.Tokenizers.Data.Cl100kBase"));
}
