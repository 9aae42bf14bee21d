using LlamaAspire.ModelBuilder.Llama;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.ModelBuilder.Tests;

public class GraphTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private static readonly long[] Tokens = [128000, 9906, 11, 1917, 0, 358, 1097, 264, 1296, 13];

    [Fact]
    public void InputsAndOutputsUseThePublicExportNamesAndShapes()
    {
        var d = TinyModelFixture.Dims;
        using var session = new InferenceSession(tiny.ModelPath);
        var inputs = session.InputMetadata;
        Assert.Equal(["input_ids", "attention_mask", "position_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
            inputs.Keys.ToArray());
        Assert.Equal(["logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value"], session.OutputMetadata.Keys.ToArray());
        Assert.All(new[] { "input_ids", "attention_mask", "position_ids" }, n => Assert.Equal(typeof(long), inputs[n].ElementType));
        Assert.Equal([-1, d.KvHeads, d.ContextLength, d.HeadDim], inputs["past_key_values.0.key"].Dimensions);
        Assert.Equal(typeof(float), inputs["past_key_values.1.value"].ElementType);
        Assert.Equal([-1, -1, d.VocabSize], session.OutputMetadata["logits"].Dimensions);
        Assert.Equal([-1, d.KvHeads, d.ContextLength, d.HeadDim], session.OutputMetadata["present.1.value"].Dimensions);
    }

    [Fact]
    public void RunsWithFiniteVaryingLogitsAndFullSizeOutputs()
    {
        var d = TinyModelFixture.Dims;
        using var runner = new ModelRunner(tiny.ModelPath, d);
        var logits = runner.Forward(Tokens);
        Assert.Equal(Tokens.Length * d.VocabSize, logits.Length);
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
        var argmaxes = Enumerable.Range(0, Tokens.Length).Select(i => Logits.ArgMax(logits.AsSpan(i * d.VocabSize, d.VocabSize))).ToHashSet();
        Assert.True(argmaxes.Count >= 5, $"argmax should vary by position, got {argmaxes.Count} distinct");
        var row = logits.AsSpan(0, d.VocabSize).ToArray();
        var mean = row.Average();
        var std = Math.Sqrt(row.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(std, 0.5, 20);
    }

    [Fact]
    public void IncrementalDecodingWithSharedBufferEqualsFullRecompute()
    {
        var d = TinyModelFixture.Dims;
        using var full = new ModelRunner(tiny.ModelPath, d);
        var all = full.Forward(Tokens);
        using var inc = new ModelRunner(tiny.ModelPath, d);
        inc.Forward(Tokens.AsSpan(0, 4));
        for (var i = 4; i < Tokens.Length; i++)
        {
            var step = inc.Forward(Tokens.AsSpan(i, 1));
            var diff = Logits.MaxRelativeDiff(step, all.AsSpan(i * d.VocabSize, d.VocabSize));
            Assert.True(diff <= 1e-3f, $"position {i}: relative diff {diff}");
        }

        Assert.Equal(Tokens.Length, inc.CachedTokens);
    }

    [Fact]
    public void SharedBufferMatchesSeparatePresentOutputs()
    {
        var d = TinyModelFixture.Dims;
        using var shared = new ModelRunner(tiny.ModelPath, d);
        using var separate = new ModelRunner(tiny.ModelPath, d, shareBuffers: false);
        shared.Forward(Tokens.AsSpan(0, 6));
        separate.Forward(Tokens.AsSpan(0, 6));
        for (var i = 6; i < Tokens.Length; i++)
        {
            var a = shared.Forward(Tokens.AsSpan(i, 1));
            var b = separate.Forward(Tokens.AsSpan(i, 1));
            Assert.True(Logits.MaxRelativeDiff(a, b) <= 1e-5f);
        }
    }

    [Fact]
    public void ChunkedPrefillAfterACachedPrefixEqualsFullRecompute()
    {
        var d = TinyModelFixture.Dims;
        using var full = new ModelRunner(tiny.ModelPath, d);
        var all = full.Forward(Tokens);
        using var chunked = new ModelRunner(tiny.ModelPath, d);
        chunked.Forward(Tokens.AsSpan(0, 4));
        var chunk = chunked.Forward(Tokens.AsSpan(4, 3));
        for (var i = 0; i < 3; i++)
        {
            var diff = Logits.MaxRelativeDiff(chunk.AsSpan(i * d.VocabSize, d.VocabSize), all.AsSpan((4 + i) * d.VocabSize, d.VocabSize));
            Assert.True(diff <= 1e-3f, $"chunk position {i}: relative diff {diff}");
        }
    }

    [Fact]
    public void StaleCacheContentsBeyondTheMaskAreIgnored()
    {
        var d = TinyModelFixture.Dims;
        using var fresh = new ModelRunner(tiny.ModelPath, d);
        var expected = fresh.Forward(Tokens.AsSpan(5));
        using var reused = new ModelRunner(tiny.ModelPath, d);
        reused.Forward(Tokens);
        reused.Reset(clear: false);
        Assert.Equal(expected, reused.Forward(Tokens.AsSpan(5)));
    }

    [Fact]
    public void RopeCacheAppliesLlama3Scaling()
    {
        var inv = RopeCache.InverseFrequencies(64);
        Assert.Equal(1.0, inv[0], 12); // high frequency: unscaled
        var last = 1.0 / Math.Pow(500_000, 62.0 / 64);
        Assert.Equal(last / 32, inv[31], 15); // wavelength above 8192: divided by the factor
    }
}
