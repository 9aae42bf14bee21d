using LlamaAspire.LlamaModel;
using LlamaAspire.ModelBuilder.Llama;

namespace LlamaAspire.ModelBuilder.Tests;

/// <summary>The tokenizer.model the builder writes, read by the shared Llama 3 tokenizer the inference function uses.</summary>
public class TokenizerTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private string TokenizerPath => Path.Combine(tiny.Dir, ModelDirectoryLayout.TiktokenFile);

    [Fact]
    public void RankFileIsTiktokenFormatWithCl100kRanks()
    {
        var lines = File.ReadAllLines(TokenizerPath);
        Assert.InRange(lines.Length, 100_000, 100_300);
        var first = lines[0].Split(' ');
        Assert.Equal(2, first.Length);
        Assert.Equal("0", first[1]);
        Assert.Equal("!"u8.ToArray(), Convert.FromBase64String(first[0]));
        Assert.All(lines.Take(1000), l => Assert.Matches(@"^[A-Za-z0-9+/=]+ \d+$", l));
        Assert.Equal(lines.Length, Llama3Tokenizer.Load(TokenizerPath).BaseVocabularySize);
    }

    [Theory]
    [InlineData("Hello, world! This is LlamaAspire running on AWS Lambda.")]
    [InlineData("Numbers 1234567 and unicode: naïve café, 日本語, emoji 🚀\nnew line\r\n\ttab")]
    [InlineData("  leading spaces and trailing   ")]
    public void RoundTripsText(string text)
    {
        var tokenizer = Llama3Tokenizer.Load(TokenizerPath);
        var ids = tokenizer.Encode(text);
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 0, 127_999));
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void SpecialTokenTableHasLlama3IdsAndTheirTextIsPlainText()
    {
        Assert.Equal(256, Llama3SpecialTokens.ByName.Count);
        Assert.Equal(Enumerable.Range(128000, 256), Llama3SpecialTokens.ByName.Values.Order());
        Assert.Equal(128004, Llama3SpecialTokens.ByName["<|finetune_right_pad_id|>"]);
        Assert.Equal(128006, Llama3SpecialTokens.ByName["<|start_header_id|>"]);
        Assert.Equal(128009, Llama3SpecialTokens.ByName["<|eot_id|>"]);
        Assert.Equal(128255, Llama3SpecialTokens.ByName["<|reserved_special_token_247|>"]);

        // Written as text, special tokens are ordinary BPE tokens (see docs/architecture.md); their ids still render as their text.
        var tokenizer = Llama3Tokenizer.Load(TokenizerPath);
        const string text = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|eom_id|><|end_of_text|><|reserved_special_token_0|><|reserved_special_token_247|>";
        var ids = tokenizer.Encode(text);
        Assert.All(ids, id => Assert.False(Llama3SpecialTokens.IsSpecial(id), $"id {id} is special"));
        Assert.Equal(text, tokenizer.Decode(ids));
        int[] specials = [128000, 128006, 128007, 128009, 128008, 128001, 128002, 128255];
        Assert.Equal("<|begin_of_text|><|start_header_id|><|end_header_id|><|eot_id|><|eom_id|><|end_of_text|><|reserved_special_token_0|><|reserved_special_token_247|>",
            tokenizer.DecodeIncludingSpecialTokens(specials));
        Assert.Equal("", tokenizer.Decode(specials));
    }

    [Fact]
    public void MatchesTheStockCl100kTokenizerOnPlainText()
    {
        // Same ranks; the Llama 3 split regex differs from cl100k's only in edge cases, so ordinary prose agrees.
        var ours = Llama3Tokenizer.Load(TokenizerPath);
        var stock = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("cl100k_base");
        const string text = "The quick brown fox jumps over the lazy dog.";
        Assert.Equal(stock.EncodeToIds(text), ours.Encode(text));
    }

    [Fact]
    public void VerifyPromptIsWhatTheFunctionWouldSendForItsText()
    {
        // `verify` runs fixed ids; they must be the prompt the function's tokenizer makes of the same text, or verify
        // checks logits for a sequence no request produces.
        var tokenizer = Llama3Tokenizer.Load(TokenizerPath);
        Assert.Equal(BuiltModel.VerifyPrompt.Select(id => (int)id), tokenizer.EncodePrompt(BuiltModel.VerifyPromptText));
    }
}
