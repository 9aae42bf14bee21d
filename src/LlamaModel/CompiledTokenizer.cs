using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace LlamaAspire.LlamaModel;

/// <summary>
/// The tokenizer compiled for cold start (<see cref="ModelDirectoryLayout.CompiledTokenizerFile"/>): the arrays of
/// <see cref="BytePairRanks"/> as they sit in memory, and the special tokens, so init reads one file and copies a few blocks
/// instead of decoding ~100k base64 lines (or converting a 9 MB tokenizer.json). The model builder writes it beside the
/// tokenizer it builds, and <c>llama-model-builder compile-tokenizer</c> beside a downloaded export's.
/// <para>
/// It records the length and XxHash3 of the file it was compiled from: when that file has been replaced since, the
/// compiled one is stale and the source is read instead (hashing even a 9 MB tokenizer.json costs about a millisecond).
/// </para>
/// </summary>
/// <remarks>
/// Layout, little-endian: magic, source length (int64), source XxHash3 (uint64), rank count, rank limit, table length,
/// arena length, special-token count (int32 each), then offsets[rank limit], lengths[rank limit], table[table length] (int32),
/// the arena bytes, and per special token its id, its UTF-8 length and its UTF-8 text.
/// </remarks>
public static class CompiledTokenizer
{
    private static ReadOnlySpan<byte> Magic => "LLBPE\0\0\u0001"u8;

    private const int HeaderLength = 8 + 8 + 8 + 5 * sizeof(int);

    /// <summary>Compiles the tokenizer at <paramref name="sourcePath"/> (rank file or tokenizer.json) to <paramref name="compiledPath"/>.</summary>
    public static void Write(string sourcePath, string compiledPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(compiledPath);
        var source = File.ReadAllBytes(sourcePath);
        var tokenizer = Llama3Tokenizer.Parse(sourcePath, source);
        var (arena, offsets, lengths, table) = tokenizer.Ranks.Parts;

        using var output = File.Create(compiledPath);
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], source.LongLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], XxHash3.HashToUInt64(source));
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], tokenizer.Ranks.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], offsets.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], table.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[36..], arena.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], tokenizer.SpecialTokens.Count);
        output.Write(header);
        RequireLittleEndian();
        output.Write(MemoryMarshal.AsBytes(offsets.AsSpan()));
        output.Write(MemoryMarshal.AsBytes(lengths.AsSpan()));
        output.Write(MemoryMarshal.AsBytes(table.AsSpan()));
        output.Write(arena.Span);
        Span<byte> entry = stackalloc byte[2 * sizeof(int)];
        foreach (var (name, id) in tokenizer.SpecialTokens.OrderBy(kv => kv.Value))
        {
            var text = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteInt32LittleEndian(entry, id);
            BinaryPrimitives.WriteInt32LittleEndian(entry[4..], text.Length);
            output.Write(entry);
            output.Write(text);
        }
    }

    /// <summary>
    /// The tokenizer in <paramref name="compiledPath"/> when it was compiled from <paramref name="sourcePath"/> as that file is
    /// now; null when the source has changed since (<paramref name="staleReason"/> says how). A malformed file throws
    /// <see cref="FormatException"/>.
    /// </summary>
    public static Llama3Tokenizer? TryLoad(string compiledPath, string sourcePath, out string? staleReason)
    {
        var file = File.ReadAllBytes(compiledPath);
        var span = file.AsSpan();
        if (span.Length < HeaderLength || !span[..8].SequenceEqual(Magic))
        {
            throw new FormatException("it is not a compiled tokenizer (bad magic or too short)");
        }

        var sourceLength = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
        var sourceHash = BinaryPrimitives.ReadUInt64LittleEndian(span[16..]);
        var source = new FileInfo(sourcePath);
        if (source.Exists && source.Length != sourceLength)
        {
            staleReason = $"'{sourcePath}' is {source.Length} bytes, the compiled tokenizer was made from {sourceLength}";
            return null;
        }

        if (source.Exists && XxHash3.HashToUInt64(File.ReadAllBytes(sourcePath)) != sourceHash)
        {
            staleReason = $"'{sourcePath}' has changed since the tokenizer was compiled";
            return null;
        }

        staleReason = null;
        var count = ReadCount(span, 24, "rank count");
        var rankLimit = ReadCount(span, 28, "rank limit");
        var tableLength = ReadCount(span, 32, "table length");
        var arenaLength = ReadCount(span, 36, "arena length");
        var specialCount = ReadCount(span, 40, "special-token count");
        if (tableLength == 0 || (tableLength & (tableLength - 1)) != 0 || tableLength < count)
        {
            throw new FormatException($"its hash table length {tableLength} is not a power of two of at least {count}");
        }

        RequireLittleEndian();
        var at = HeaderLength;
        var offsets = Ints(span, ref at, rankLimit, "offsets");
        var lengths = Ints(span, ref at, rankLimit, "lengths");
        var table = Ints(span, ref at, tableLength, "table");
        var arena = Take(span, ref at, arenaLength, "arena").ToArray();
        var specials = new Dictionary<string, int>(specialCount, StringComparer.Ordinal);
        for (var i = 0; i < specialCount; i++)
        {
            var entry = Take(span, ref at, 2 * sizeof(int), "special tokens");
            var id = BinaryPrimitives.ReadInt32LittleEndian(entry);
            var text = Take(span, ref at, BinaryPrimitives.ReadInt32LittleEndian(entry[4..]), "special tokens");
            specials[Encoding.UTF8.GetString(text)] = id;
        }

        Validate(offsets, lengths, table, arenaLength);
        return Llama3Tokenizer.FromRanks(new BytePairRanks(arena, offsets, lengths, table, count), specials, count, compiled: true);
    }

    /// <summary>Every table slot names a rank that has a token, and every token lies inside the arena: lookups cannot go astray.</summary>
    private static void Validate(int[] offsets, int[] lengths, int[] table, int arenaLength)
    {
        for (var rank = 0; rank < offsets.Length; rank++)
        {
            if (offsets[rank] != -1 && (offsets[rank] < 0 || lengths[rank] <= 0 || (long)offsets[rank] + lengths[rank] > arenaLength))
            {
                throw new FormatException($"the token of rank {rank} lies outside the arena");
            }
        }

        foreach (var rank in table)
        {
            if (rank != -1 && ((uint)rank >= (uint)offsets.Length || offsets[rank] == -1))
            {
                throw new FormatException($"its hash table names rank {rank}, which has no token");
            }
        }
    }

    private static int ReadCount(ReadOnlySpan<byte> file, int at, string what)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(file[at..]);
        return value >= 0 ? value : throw new FormatException($"its {what} is negative ({value})");
    }

    private static int[] Ints(ReadOnlySpan<byte> file, ref int at, int count, string what) =>
        MemoryMarshal.Cast<byte, int>(Take(file, ref at, checked(count * sizeof(int)), what)).ToArray();

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> file, ref int at, int length, string what)
    {
        if (length < 0 || length > file.Length - at)
        {
            throw new FormatException($"it ends inside its {what} (truncated)");
        }

        var slice = file.Slice(at, length);
        at += length;
        return slice;
    }

    /// <summary>The arrays are written and read as raw memory: x86_64 and arm64, Lambda's two architectures, are both little-endian.</summary>
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Compiled tokenizers are little-endian.");
        }
    }
}
