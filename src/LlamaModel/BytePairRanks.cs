using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LlamaAspire.LlamaModel;

/// <summary>
/// A byte-level BPE vocabulary read from a tiktoken rank file (<c>base64-token rank</c> per line), built for cold start:
/// every token's bytes in one arena and an open-addressing table over them, so loading is one pass of base64 decoding and
/// hashing with no per-token allocation (a <c>Dictionary&lt;byte[], int&gt;</c> of 128,000 entries costs far more).
/// </summary>
public sealed class BytePairRanks
{
    private const int Empty = -1;

    private readonly byte[] _arena;
    private readonly int[] _offsets; // rank → start in the arena; Empty when the rank has no token
    private readonly int[] _lengths;
    private readonly int[] _table;   // hash slot → rank, Empty when free
    private readonly int _mask;

    /// <summary>Takes the arrays as they are (the parser's, or <see cref="CompiledTokenizer"/>'s copy of them).</summary>
    internal BytePairRanks(byte[] arena, int[] offsets, int[] lengths, int[] table, int count)
    {
        _arena = arena;
        _offsets = offsets;
        _lengths = lengths;
        _table = table;
        _mask = table.Length - 1;
        Count = count;
    }

    /// <summary>How many tokens the file holds.</summary>
    public int Count { get; }

    /// <summary>One more than the highest rank.</summary>
    public int RankLimit => _offsets.Length;

    /// <summary>The arrays behind the lookups, for <see cref="CompiledTokenizer"/> to save as they are.</summary>
    internal (ReadOnlyMemory<byte> Arena, int[] Offsets, int[] Lengths, int[] Table) Parts
    {
        get
        {
            var used = 0;
            for (var rank = 0; rank < _offsets.Length; rank++)
            {
                if (_offsets[rank] != Empty)
                {
                    used = Math.Max(used, _offsets[rank] + _lengths[rank]);
                }
            }

            return (_arena.AsMemory(0, used), _offsets, _lengths, _table);
        }
    }

    /// <summary>
    /// Parses a rank file. Throws <see cref="FormatException"/> naming the line for a malformed one and for a token
    /// given twice (tiktoken's own loader refuses both).
    /// </summary>
    public static BytePairRanks Parse(ReadOnlySpan<byte> file)
    {
        var lines = file.Count((byte)'\n') + 1;
        // Base64 decodes to at most 3/4 of its length: the whole file bounds the arena.
        var arena = new byte[file.Length * 3 / 4 + 4];
        var entries = new (int Rank, int Offset, int Length)[lines];
        int count = 0, used = 0, maxRank = -1, lineNumber = 0;
        while (!file.IsEmpty)
        {
            lineNumber++;
            var end = file.IndexOf((byte)'\n');
            var line = end < 0 ? file : file[..end];
            file = end < 0 ? [] : file[(end + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            var space = line.IndexOf((byte)' ');
            if (space <= 0 || !Utf8Parser.TryParse(line[(space + 1)..], out int rank, out var consumed)
                || consumed != line.Length - space - 1 || rank < 0)
            {
                throw new FormatException($"line {lineNumber} is not '<base64 token> <rank>'");
            }

            if (Base64.DecodeFromUtf8(line[..space], arena.AsSpan(used), out _, out var written) != OperationStatus.Done
                || written == 0)
            {
                throw new FormatException($"line {lineNumber}: the token is not base64");
            }

            entries[count++] = (rank, used, written);
            used += written;
            maxRank = Math.Max(maxRank, rank);
        }

        var offsets = new int[maxRank + 1];
        var lengths = new int[maxRank + 1];
        offsets.AsSpan().Fill(Empty);
        var table = new int[Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)count * 2))];
        table.AsSpan().Fill(Empty);
        var ranks = new BytePairRanks(arena, offsets, lengths, table, count);
        foreach (var (rank, offset, length) in entries.AsSpan(0, count))
        {
            if (offsets[rank] != Empty)
            {
                throw new FormatException($"rank {rank} is given twice");
            }

            offsets[rank] = offset;
            lengths[rank] = length;
            if (!ranks.Insert(rank))
            {
                throw new FormatException($"the token of rank {rank} is given twice");
            }
        }

        return ranks;
    }

    /// <summary>The rank of exactly these bytes, or -1.</summary>
    public int RankOf(ReadOnlySpan<byte> token)
    {
        var slot = (int)Hash(token) & _mask;
        while (true)
        {
            var rank = _table[slot];
            if (rank == Empty)
            {
                return Empty;
            }

            if (BytesOf(rank).SequenceEqual(token))
            {
                return rank;
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>The bytes of a rank; empty for a rank with no token (or out of range).</summary>
    public ReadOnlySpan<byte> BytesOf(int rank) =>
        (uint)rank < (uint)_offsets.Length && _offsets[rank] != Empty ? _arena.AsSpan(_offsets[rank], _lengths[rank]) : [];

    private bool Insert(int rank)
    {
        var token = BytesOf(rank);
        var slot = (int)Hash(token) & _mask;
        while (_table[slot] != Empty)
        {
            if (BytesOf(_table[slot]).SequenceEqual(token))
            {
                return false;
            }

            slot = (slot + 1) & _mask;
        }

        _table[slot] = rank;
        return true;
    }

    /// <summary>FNV-1a: tokens are a few bytes long, where it beats anything that needs setup.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
