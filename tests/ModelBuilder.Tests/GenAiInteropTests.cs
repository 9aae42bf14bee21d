using LlamaAspire.LlamaModel;
using LlamaAspire.ModelBuilder.Llama;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace LlamaAspire.ModelBuilder.Tests;

/// <summary>
/// A built model directory runs unchanged in ONNX Runtime GenAI (NuGet Microsoft.ML.OnnxRuntimeGenAI, its own generator loop
/// and tokenizer) from the genai_config.json and tokenizer.json the builder writes: same token ids, same greedy tokens.
/// </summary>
public sealed class GenAiInteropTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData("Hello, world! This is LlamaAspire running on AWS Lambda.")]
    [InlineData("Numbers 1234567 and unicode: naïve café, 日本語, emoji 🚀\nnew line\r\n\ttab")]
    [InlineData("  leading spaces, don't   stop\n\n\nthere")]
    public void GenAis_tokenizer_reads_the_written_tokenizer_json_to_the_same_ids(string text)
    {
        using var model = new Model(tiny.Dir);
        using var genai = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(model);
        var ours = Llama3Tokenizer.Load(Path.Combine(tiny.Dir, ModelDirectoryLayout.TiktokenFile));

        var theirs = genai.Encode(text)[0].ToArray().SkipWhile(id => id == Llama3SpecialTokens.BeginOfText);

        Assert.Equal(ours.Encode(text), theirs);
    }

    [Fact]
    public void GenAis_greedy_generation_matches_ours_token_for_token()
    {
        const int newTokens = 8;
        var prompt = BuiltModel.VerifyPrompt;
        using var model = new Model(tiny.Dir);
        using var search = new GeneratorParams(model);
        search.SetSearchOption("max_length", prompt.Length + newTokens);
        using var generator = new Generator(model, search);
        generator.AppendTokens(prompt.Select(id => (int)id).ToArray());
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        var theirs = generator.GetSequence(0).ToArray()[prompt.Length..];

        Assert.Equal(Greedy(prompt, newTokens), theirs);
    }

    /// <summary>The builder's own runner: prefill, then one token at a time, argmax of the last position's logits.</summary>
    private int[] Greedy(long[] prompt, int count)
    {
        var built = BuiltModel.Load(tiny.Dir);
        using var runner = new Llama.ModelRunner(built.ModelPath, built.Dims);
        var tokens = new List<int>();
        var logits = runner.Forward(prompt);
        while (tokens.Count < count)
        {
            var last = logits.AsSpan(logits.Length - built.Dims.VocabSize);
            var next = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(last);
            tokens.Add(next);
            logits = runner.Forward([next]);
        }

        return [.. tokens];
    }

}
