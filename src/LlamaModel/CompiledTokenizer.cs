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
/// compiled one is stale and the source is read instead (hashing even a 9 MB tokenizer.json, streamed, costs about a millisecond).
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
        // Read straight into the arrays the tokenizer keeps: no whole-file buffer to allocate, fault in and copy out of.
        using var file = File.OpenHandle(compiledPath);
        var fileLength = RandomAccess.GetLength(file);
        Span<byte> header = stackalloc byte[HeaderLength];
        if (fileLength < HeaderLength || RandomAccess.Read(file, header, 0) != HeaderLength || !header[..8].SequenceEqual(Magic))
        {
            throw new FormatException("it is not a compiled tokenizer (bad magic or too short)");
        }

        var sourceLength = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var sourceHash = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        var source = new FileInfo(sourcePath);
        if (source.Exists && source.Length != sourceLength)
        {
            staleReason = $"'{sourcePath}' is {source.Length} bytes, the compiled tokenizer was made from {sourceLength}";
            return null;
        }

        if (source.Exists && HashFile(sourcePath) != sourceHash)
        {
            staleReason = $"'{sourcePath}' has changed since the tokenizer was compiled";
            return null;
        }

        staleReason = null;
        var count = ReadCount(header, 24, "rank count");
        var rankLimit = ReadCount(header, 28, "rank limit");
        var tableLength = ReadCount(header, 32, "table length");
        var arenaLength = ReadCount(header, 36, "arena length");
        var specialCount = ReadCount(header, 40, "special-token count");
        if (tableLength == 0 || (tableLength & (tableLength - 1)) != 0 || tableLength < count)
        {
            throw new FormatException($"its hash table length {tableLength} is not a power of two of at least {count}");
        }

        RequireLittleEndian();
        long at = HeaderLength;
        var offsets = new int[rankLimit];
        var lengths = new int[rankLimit];
        var table = new int[tableLength];
        var arena = new byte[arenaLength];
        ReadExactly(file, MemoryMarshal.AsBytes(offsets.AsSpan()), ref at, fileLength, "offsets");
        ReadExactly(file, MemoryMarshal.AsBytes(lengths.AsSpan()), ref at, fileLength, "lengths");
        ReadExactly(file, MemoryMarshal.AsBytes(table.AsSpan()), ref at, fileLength, "table");
        ReadExactly(file, arena, ref at, fileLength, "arena");
        var rest = new byte[fileLength - at];
        ReadExactly(file, rest, ref at, fileLength, "special tokens");
        var specials = new Dictionary<string, int>(specialCount, StringComparer.Ordinal);
        var span = (ReadOnlySpan<byte>)rest;
        var next = 0;
        for (var i = 0; i < specialCount; i++)
        {
            var entry = Take(span, ref next, 2 * sizeof(int), "special tokens");
            var id = BinaryPrimitives.ReadInt32LittleEndian(entry);
            var text = Take(span, ref next, BinaryPrimitives.ReadInt32LittleEndian(entry[4..]), "special tokens");
            specials[Encoding.UTF8.GetString(text)] = id;
        }

        Validate(offsets, lengths, table, arenaLength);
        return Llama3Tokenizer.FromRanks(new BytePairRanks(arena, offsets, lengths, table, count), specials, count, compiled: true);
    }

    /// <summary>XxHash3 of a file, streamed through a small buffer (a real tokenizer.json is 9 MB; no need to hold it).</summary>
    private static ulong HashFile(string path)
    {
        var hash = new XxHash3();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            hash.Append(buffer.AsSpan(0, read));
        }

        return hash.GetCurrentHashAsUInt64();
    }

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle file, Span<byte> destination, ref long at, long fileLength, string what)
    {
        if (destination.Length > fileLength - at)
        {
            throw new FormatException($"it ends inside its {what} (truncated)");
        }

        var done = 0;
        while (done < destination.Length)
        {
            var read = RandomAccess.Read(file, destination[done..], at + done);
            if (read == 0)
            {
                throw new FormatException($"it ends inside its {what} (truncated)");
            }

            done += read;
        }

        at += destination.Length;
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
