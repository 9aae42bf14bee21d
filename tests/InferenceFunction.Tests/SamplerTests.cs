using LlamaAspire.InferenceFunction.Inference;

namespace LlamaAspire.InferenceFunction.Tests;

public class SamplerTests
{
    static float[] RandomLogits(int n, int seed)
    {
        var r = new DeterministicRandom((ulong)seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 10 - 5))];
    }

    [Fact]
    public void Prng_is_deterministic_and_seed_sensitive()
    {
        var a = new DeterministicRandom(7);
        var b = new DeterministicRandom(7);
        var c = new DeterministicRandom(8);
        var sa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(sa, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()));
        Assert.NotEqual(sa, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()));
        var d = new DeterministicRandom(1);
        Assert.All(Enumerable.Range(0, 1000).Select(_ => d.NextDouble()), x => Assert.InRange(x, 0.0, 0.9999999999));
    }

    [Fact]
    public void Greedy_is_argmax_with_ties_to_the_lowest_id()
    {
        var s = new Sampler(SamplingSettings.Greedy);
        Assert.Equal(2, s.Sample([0f, 1f, 3f, 3f, -1f]));
        Assert.Equal(2, new Sampler(new SamplingSettings(0.8f, 1, 1f, 5)).Sample([0f, 1f, 3f, 3f, -1f])); // top_k 1 is greedy
    }

    [Fact]
    public void Same_seed_same_tokens_different_seed_different_tokens()
    {
        var logits = RandomLogits(1000, 3);
        int[] Run(ulong seed)
        {
            var s = new Sampler(new SamplingSettings(1.0f, 0, 1f, seed));
            return [.. Enumerable.Range(0, 50).Select(_ => s.Sample(logits))];
        }
        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
    }

    [Fact]
    public void Top_k_keeps_exactly_the_k_best_in_order()
    {
        var logits = RandomLogits(5000, 11);
        var s = new Sampler(new SamplingSettings(1f, 7, 1f, 0));
        int n = s.CandidateDistribution(logits, out var ids, out var probs);
        Assert.Equal(7, n);
        var expected = logits.Select((v, i) => (v, i)).OrderByDescending(x => x.v).Take(7).Select(x => x.i).ToArray();
        Assert.Equal(expected, ids.ToArray());
        Assert.Equal(1.0, probs.ToArray().Sum(p => (double)p), 5);
        for (int i = 1; i < n; i++)
        {
            Assert.True(probs[i - 1] >= probs[i]);
        }
        // Sampling never leaves the top k.
        var kept = expected.ToHashSet();
        Assert.All(Enumerable.Range(0, 300).Select(_ => s.Sample(logits)), t => Assert.Contains(t, kept));
    }

    [Fact]
    public void Top_p_cuts_at_the_smallest_set_reaching_p()
    {
        // softmax(ln p) = p: probabilities 0.5, 0.25, 0.15, 0.1 over ids 3, 0, 2, 1.
        float[] logits = [MathF.Log(0.25f), MathF.Log(0.10f), MathF.Log(0.15f), MathF.Log(0.5f)];
        var s = new Sampler(new SamplingSettings(1f, 0, 0.7f, 0));
        int n = s.CandidateDistribution(logits, out var ids, out var probs);
        Assert.Equal(2, n);                        // 0.5 + 0.25 = 0.75 ≥ 0.7
        Assert.Equal([3, 0], ids.ToArray());
        Assert.Equal(0.5f / 0.75f, probs[0], 4);
        Assert.Equal(0.25f / 0.75f, probs[1], 4);

        n = new Sampler(new SamplingSettings(1f, 0, 0.76f, 0)).CandidateDistribution(logits, out ids, out _);
        Assert.Equal(3, n);
        Assert.Equal([3, 0, 2], ids.ToArray());

        n = new Sampler(new SamplingSettings(1f, 0, 0.4f, 0)).CandidateDistribution(logits, out ids, out _);
        Assert.Equal(1, n);                        // the top token alone passes 0.4
    }

    [Fact]
    public void Temperature_sharpens_and_flattens()
    {
        float[] logits = [2f, 1f, 0f];
        new Sampler(new SamplingSettings(0.5f, 0, 1f, 0)).CandidateDistribution(logits, out _, out var cold);
        float coldTop = cold[0];
        new Sampler(new SamplingSettings(2f, 0, 1f, 0)).CandidateDistribution(logits, out _, out var hot);
        float hotTop = hot[0];
        double expectedCold = Math.Exp(4) / (Math.Exp(4) + Math.Exp(2) + 1);
        Assert.Equal(expectedCold, coldTop, 4);
        Assert.True(coldTop > hotTop);
    }

    [Fact]
    public void Sample_frequencies_follow_the_distribution()
    {
        float[] logits = [MathF.Log(0.6f), MathF.Log(0.3f), MathF.Log(0.1f)];
        var s = new Sampler(new SamplingSettings(1f, 0, 1f, 123));
        var counts = new int[3];
        for (int i = 0; i < 20000; i++)
        {
            counts[s.Sample(logits)]++;
        }

        Assert.InRange(counts[0] / 20000.0, 0.58, 0.62);
        Assert.InRange(counts[1] / 20000.0, 0.28, 0.32);
        Assert.InRange(counts[2] / 20000.0, 0.08, 0.12);
    }
}
