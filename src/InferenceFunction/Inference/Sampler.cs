namespace LlamaAspire.InferenceFunction.Inference;

/// <summary>xoshiro256** seeded through SplitMix64: our own, so the same seed gives the same tokens on every .NET version.</summary>
public sealed class DeterministicRandom
{
    ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

public sealed record SamplingSettings(float Temperature, int TopK, float TopP, ulong Seed)
{
    public static readonly SamplingSettings Greedy = new(0f, 0, 1f, 0);
    public bool IsGreedy => Temperature <= 0f || TopK == 1;
}

/// <summary>
/// Greedy (argmax; ties → the lowest id) or temperature / top-k / top-p sampling. Buffers are allocated once per
/// sampler (per request), not per token.
/// </summary>
public sealed class Sampler
{
    readonly SamplingSettings _settings;
    readonly DeterministicRandom _random;
    int[] _order = [];
    float[] _probs = [];
    float[] _keys = [];

    public Sampler(SamplingSettings settings)
    {
        _settings = settings;
        _random = new DeterministicRandom(settings.Seed);
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        float bestValue = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] > bestValue) { bestValue = logits[i]; best = i; }
        }

        return best;
    }

    public int Sample(ReadOnlySpan<float> logits)
    {
        if (_settings.IsGreedy)
        {
            return ArgMax(logits);
        }

        int n = CandidateDistribution(logits, out var order, out var probs);
        double r = _random.NextDouble();
        double acc = 0;
        for (int i = 0; i < n; i++)
        {
            acc += probs[i];
            if (r < acc)
            {
                return order[i];
            }
        }
        return order[n - 1];
    }

    /// <summary>
    /// The candidates after temperature, top-k and top-p, most likely first, with renormalised probabilities.
    /// Returns how many candidates there are. Exposed for tests.
    /// </summary>
    public int CandidateDistribution(ReadOnlySpan<float> logits, out ReadOnlySpan<int> ids, out ReadOnlySpan<float> probabilities)
    {
        int vocab = logits.Length;
        if (_order.Length < vocab) { _order = new int[vocab]; _probs = new float[vocab]; _keys = new float[vocab]; }
        int k = _settings.TopK > 0 ? Math.Min(_settings.TopK, vocab) : vocab;
        float invT = 1f / Math.Max(_settings.Temperature, 1e-5f);

        // Top-k by partial selection: keep the k best in _order[0..k) sorted descending (stable: lower id first on ties).
        var order = _order.AsSpan(0, vocab);
        for (int i = 0; i < vocab; i++)
        {
            order[i] = i;
        }

        if (k < vocab)
        {
            SelectTopK(logits, order, k);
        }

        var top = order[..k];
        SortDescending(logits, top);

        float max = logits[top[0]];
        var probs = _probs.AsSpan(0, k);
        double sum = 0;
        for (int i = 0; i < k; i++) { float p = MathF.Exp((logits[top[i]] - max) * invT); probs[i] = p; sum += p; }
        int n = k;
        if (_settings.TopP is > 0f and < 1f)
        {
            double cumulative = 0, threshold = _settings.TopP * sum;
            for (int i = 0; i < k; i++)
            {
                cumulative += probs[i];
                if (cumulative >= threshold) { n = i + 1; break; }
            }
            sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += probs[i];
            }
        }
        float inv = (float)(1.0 / sum);
        for (int i = 0; i < n; i++)
        {
            probs[i] *= inv;
        }

        ids = _order.AsSpan(0, n);
        probabilities = _probs.AsSpan(0, n);
        return n;
    }

    static bool Better(ReadOnlySpan<float> logits, int a, int b) => logits[a] > logits[b] || (logits[a] == logits[b] && a < b);

    /// <summary>Moves the k best ids to the front (unordered) with a min-heap of size k: O(V log k).</summary>
    static void SelectTopK(ReadOnlySpan<float> logits, Span<int> order, int k)
    {
        var heap = order[..k]; // min-heap: heap[0] is the worst of the kept
        for (int i = k / 2 - 1; i >= 0; i--)
        {
            SiftDown(logits, heap, i);
        }

        for (int i = k; i < order.Length; i++)
        {
            if (Better(logits, order[i], heap[0]))
            {
                heap[0] = order[i];
                SiftDown(logits, heap, 0);
            }
        }
    }

    static void SiftDown(ReadOnlySpan<float> logits, Span<int> heap, int i)
    {
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < heap.Length && Better(logits, heap[worst], heap[l]))
            {
                worst = l;
            }

            if (r < heap.Length && Better(logits, heap[worst], heap[r]))
            {
                worst = r;
            }

            if (worst == i)
            {
                return;
            }

            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }

    /// <summary>Sorts ids by logit, descending, through a reused key buffer (no allocation per token). Deterministic.</summary>
    void SortDescending(ReadOnlySpan<float> logits, Span<int> ids)
    {
        var keys = _keys.AsSpan(0, ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            keys[i] = -logits[ids[i]];
        }

        keys.Sort(ids);
    }
}
