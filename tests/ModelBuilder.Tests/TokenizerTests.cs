using LlamaAspire.ModelBuilder.Tokenizer;

namespace LlamaAspire.ModelBuilder.Tests;

public class TokenizerTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private string TokenizerPath => Path.Combine(tiny.Dir, "tokenizer.model");

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
    }

    [Theory]
    [InlineData("Hello, world! This is LlamaAspire running on AWS Lambda.")]
    [InlineData("Numbers 1234567 and unicode: naïve café, 日本語, emoji 🚀\nnew line\r\n\ttab")]
    [InlineData("  leading spaces and trailing   ")]
    public void RoundTripsText(string text)
    {
        var tokenizer = Llama3Tokenizer.Load(TokenizerPath);
        var ids = tokenizer.EncodeToIds(text);
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 0, 127_999));
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void SpecialTokensMapToLlama3Ids()
    {
        var tokenizer = Llama3Tokenizer.Load(TokenizerPath);
        var text = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|eom_id|><|end_of_text|><|reserved_special_token_0|><|reserved_special_token_247|>";
        var ids = tokenizer.EncodeToIds(text);
        Assert.Equal(128000, ids[0]);
        Assert.Equal(128006, ids[1]);
        Assert.Equal(128007, ids[3]);
        Assert.Equal([128009, 128008, 128001, 128002, 128255], ids.TakeLast(5).ToArray());
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal(256, Llama3Tokenizer.SpecialTokens.Count);
        Assert.Equal(128004, Llama3Tokenizer.SpecialTokens["<|finetune_right_pad_id|>"]);
        Assert.Equal(Enumerable.Range(128000, 256), Llama3Tokenizer.SpecialTokens.Values.Order());
    }

    [Fact]
    public void MatchesTheStockCl100kTokenizerOnPlainText()
    {
        // Same ranks; the Llama 3 split regex differs from cl100k's only in edge cases, so ordinary prose agrees.
        var ours = Llama3Tokenizer.Load(TokenizerPath);
        var stock = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("cl100k_base");
        const string text = "The quick brown fox jumps over the lazy dog.";
        Assert.Equal(stock.EncodeToIds(text), ours.EncodeToIds(text));
    }
}
