using System.Text;
using System.Text.RegularExpressions;
using LlamaAspire.LlamaModel;
using Microsoft.ML.Tokenizers;

namespace LlamaAspire.ModelBuilder.Tests;

/// <summary>
/// The shared tokenizer's own BPE against Microsoft.ML.Tokenizers' tiktoken built on the same rank file and split pattern
/// (what the function used before): the same ids and the same text, on prose, code, whitespace runs, numbers, apostrophes,
/// accents, CJK, emoji, lone surrogates and long pieces, plus seeded random mixes of all of them.
/// </summary>
public class TokenizerAgreementTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private const string Alphabet = "abcXYZ019 ,.!?'\"-_()[]{}<>|/\\:;\n\r\t  éüñß日本語中文한국🚀🙂\u200b";
    private static readonly string[] Fragments = ["'s", "'LL", "'re", "'d", "   ", "\n\n", "1234567", "<|eot_id|>", "https://", "λx.x", "\t\t"];

    private string TokenizerPath => Path.Combine(tiny.Dir, ModelDirectoryLayout.TiktokenFile);

    public static TheoryData<string> Texts() => new()
    {
        "The quick brown fox jumps over the lazy dog.",
        "Numbers 1234567 and 3.14159, 1,000,000 and 2024-12-03T06:00:00Z",
        "don't won't I'll they're we've she'd IT'S O'Neil's",
        "naïve café résumé Ünïcödé ß straße",
        "日本語のテキストと中文文本，還有한국어 텍스트",
        "emoji 🚀🙂👍🏽 and flags 🇫🇷 zero\u200bwidth",
        "    indented\n\tcode();\r\n  if (x) { return y; }\n\n\n",
        "def f(x):\n    return x ** 2  # comment\n",
        new string(' ', 1000) + "x",
        new string('a', 700),
        string.Concat(Enumerable.Repeat("ab", 400)),
        "lone surrogate \ud800 here and \udc00 there",
        "",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void SameIdsAndTextAsMicrosoftMLTokenizers(string text)
    {
        var (ours, theirs) = Both();
        AssertAgree(ours, theirs, text);
    }

    [Fact]
    public void SameIdsOnSeededRandomMixes()
    {
        var (ours, theirs) = Both();
        var random = new Random(20261203);
        for (var n = 0; n < 1500; n++)
        {
            var text = new StringBuilder();
            var length = random.Next(1, 120);
            while (text.Length < length)
            {
                if (random.Next(6) == 0)
                {
                    text.Append(Fragments[random.Next(Fragments.Length)]);
                }
                else
                {
                    // Whole text elements, so a surrogate pair is never split (lone surrogates are tested above).
                    var at = random.Next(Alphabet.Length);
                    text.Append(char.IsHighSurrogate(Alphabet[at]) ? Alphabet.Substring(at, 2) : char.IsLowSurrogate(Alphabet[at]) ? "x" : Alphabet[at].ToString());
                }
            }

            AssertAgree(ours, theirs, text.ToString());
        }
    }

    [Fact]
    public void GeneratedIdsDecodeAlikeIncludingSpecialsAndSplitCharacters()
    {
        var (ours, theirs) = Both();
        var random = new Random(7);
        for (var n = 0; n < 300; n++)
        {
            // Any ids a model may emit: ordinary ranks (some ending mid-character), specials, and the gap with no text is skipped
            // by the generator, so it is left out here.
            var ids = Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => random.Next(10) == 0 ? 128000 + random.Next(12) : random.Next(ours.BaseVocabularySize)).ToList();
            Assert.Equal(theirs.Decode(ids), ours.DecodeIncludingSpecialTokens(ids));
            Assert.Equal(theirs.Decode(ids.Where(id => id < Llama3SpecialTokens.FirstId)), ours.Decode(ids));
        }
    }

    private static void AssertAgree(Llama3Tokenizer ours, TiktokenTokenizer theirs, string text)
    {
        var expected = theirs.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false);
        var actual = ours.Encode(text);
        Assert.True(expected.SequenceEqual(actual), $"ids differ for {Escape(text)}: expected [{string.Join(',', expected)}], got [{string.Join(',', actual)}]");
        Assert.Equal(theirs.Decode(expected), ours.Decode(actual));
    }

    private (Llama3Tokenizer Ours, TiktokenTokenizer Theirs) Both()
    {
        using var file = File.OpenRead(TokenizerPath);
        var theirs = TiktokenTokenizer.Create(file, new RegexPreTokenizer(new Regex(Llama3Tokenizer.SplitPattern), null), normalizer: null,
            Llama3SpecialTokens.ByName.ToDictionary(StringComparer.Ordinal));
        return (Llama3Tokenizer.Load(TokenizerPath), theirs);
    }

    private static string Escape(string text) => text.Length > 80 ? $"\"{Regex.Escape(text[..80])}…\" ({text.Length} chars)" : $"\"{Regex.Escape(text)}\"";
}
