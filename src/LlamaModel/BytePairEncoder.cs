namespace LlamaAspire.LlamaModel;

/// <summary>
/// tiktoken's byte-pair merge: a piece that is a token is one id; otherwise adjacent parts are merged, lowest rank first
/// (the leftmost of equal ranks), until no adjacent pair is a token.
/// </summary>
public static class BytePairEncoder
{
    /// <summary>Appends the ids of one pre-tokenized piece.</summary>
    public static void Encode(BytePairRanks ranks, ReadOnlySpan<byte> piece, List<int> into)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(into);
        if (piece.IsEmpty)
        {
            return;
        }

        var whole = ranks.RankOf(piece);
        if (whole >= 0)
        {
            into.Add(whole);
            return;
        }

        // starts[i] is where part i begins; pairRank[i] the rank of part i merged with part i + 1 (int.MaxValue: none).
        var count = piece.Length + 1;
        Span<int> starts = count <= 256 ? stackalloc int[count] : new int[count];
        Span<int> pairRank = count <= 256 ? stackalloc int[count] : new int[count];
        for (var i = 0; i < count; i++)
        {
            starts[i] = i;
        }

        for (var i = 0; i < count; i++)
        {
            pairRank[i] = PairRank(ranks, piece, starts, count, i);
        }

        while (count > 2)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i < count - 1; i++)
            {
                if (pairRank[i] < bestRank)
                {
                    bestRank = pairRank[i];
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            // Part best absorbs part best + 1.
            starts[(best + 2)..count].CopyTo(starts[(best + 1)..]);
            pairRank[(best + 2)..count].CopyTo(pairRank[(best + 1)..]);
            count--;
            pairRank[best] = PairRank(ranks, piece, starts, count, best);
            if (best > 0)
            {
                pairRank[best - 1] = PairRank(ranks, piece, starts, count, best - 1);
            }
        }

        for (var i = 0; i < count - 1; i++)
        {
            var rank = ranks.RankOf(piece[starts[i]..starts[i + 1]]);
            if (rank < 0)
            {
                throw new InvalidOperationException($"the vocabulary has no token for byte 0x{piece[starts[i]]:x2}: it is not byte-level");
            }

            into.Add(rank);
        }
    }

    private static int PairRank(BytePairRanks ranks, ReadOnlySpan<byte> piece, ReadOnlySpan<int> starts, int count, int i)
    {
        if (i + 2 >= count)
        {
            return int.MaxValue;
        }

        var rank = ranks.RankOf(piece[starts[i]..starts[i + 2]]);
        return rank < 0 ? int.MaxValue : rank;
    }
}
