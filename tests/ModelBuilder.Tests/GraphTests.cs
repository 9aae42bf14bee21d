using LlamaAspire.ModelBuilder.Llama;
using LlamaAspire.ModelBuilder.Onnx;

namespace LlamaAspire.ModelBuilder.Tests;

public class GraphTests
{
    [Fact]
    public void KvCacheMatchesFullRecompute()
    {
        var dir = Directory.CreateTempSubdirectory("mb-graph").FullName;
        var d = Presets.Get(Presets.Tiny)!;
        var path = Path.Combine(dir, "model.onnx");
        OnnxModelWriter.Write(LlamaGraphBuilder.Build(d, 42), path, false, new Dictionary<string, string>(), _ => { });
        long[] tokens = [128000, 9906, 11, 1917, 0, 358, 1097, 264, 1296, 13];
        using var full = new ModelRunner(path, d);
        var all = full.Forward(tokens);
        using var inc = new ModelRunner(path, d);
        var logits = inc.Forward(tokens.AsSpan(0, 4));
        for (var i = 4; i < tokens.Length; i++)
        {
            logits = inc.Forward(tokens.AsSpan(i, 1));
            var expected = all.AsSpan((i) * d.VocabSize, d.VocabSize);
            var maxDiff = 0f;
            var maxAbs = 0f;
            for (var v = 0; v < d.VocabSize; v++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(logits[v] - expected[v]));
                maxAbs = Math.Max(maxAbs, Math.Abs(expected[v]));
            }

            Assert.True(maxDiff <= 1e-3f * maxAbs, $"token {i}: max diff {maxDiff}, max |logit| {maxAbs}");
        }
    }
}
