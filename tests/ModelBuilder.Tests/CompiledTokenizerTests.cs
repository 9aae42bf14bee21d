using LlamaAspire.LlamaModel;
using LlamaAspire.ModelBuilder.Cli;

namespace LlamaAspire.ModelBuilder.Tests;

/// <summary>
/// tokenizer.bpe, the tokenizer compiled for the function's cold start: written by every build, read instead of the rank file
/// only while it matches that file, refused with its path when damaged.
/// </summary>
public sealed class CompiledTokenizerTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>, IDisposable
{
    private static readonly string[] Corpus =
    [
        "Hello, world! This is LlamaAspire running on AWS Lambda.",
        "Numbers 1234567 and unicode: naïve café, 日本語, emoji 🚀\nnew line\r\n\ttab",
        "  leading spaces and trailing   ",
        "<|eot_id|> is plain text here, and so is <|begin_of_text|>",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("compiled-tokenizer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Source => Path.Combine(_dir, ModelDirectoryLayout.TiktokenFile);

    private string Compiled => Path.Combine(_dir, ModelDirectoryLayout.CompiledTokenizerFile);

    private void CopyBuiltTokenizer()
    {
        File.Copy(Path.Combine(tiny.Dir, ModelDirectoryLayout.TiktokenFile), Source);
        File.Copy(Path.Combine(tiny.Dir, ModelDirectoryLayout.CompiledTokenizerFile), Compiled);
    }

    [Fact]
    public void A_build_writes_it_and_it_encodes_and_decodes_exactly_as_the_rank_file_does()
    {
        var path = Path.Combine(tiny.Dir, ModelDirectoryLayout.TiktokenFile);
        var compiled = Llama3Tokenizer.Load(path);
        var parsed = Llama3Tokenizer.Parse(path, File.ReadAllBytes(path));

        Assert.True(compiled.Compiled);
        Assert.False(parsed.Compiled);
        Assert.Equal(parsed.BaseVocabularySize, compiled.BaseVocabularySize);
        foreach (var text in Corpus)
        {
            var ids = parsed.EncodePrompt(text);
            Assert.Equal(ids, compiled.EncodePrompt(text));
            Assert.Equal(parsed.DecodeIncludingSpecialTokens(ids), compiled.DecodeIncludingSpecialTokens(ids));
        }

        var chat = new[] { new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi") };
        Assert.Equal(parsed.EncodeChat(chat), compiled.EncodeChat(chat));
        Assert.Equal(parsed.DecodeIncludingSpecialTokens(parsed.EncodeChat(chat)), compiled.DecodeIncludingSpecialTokens(compiled.EncodeChat(chat)));
    }

    [Fact]
    public void A_rank_file_of_another_length_is_read_instead_and_the_reason_is_given()
    {
        CopyBuiltTokenizer();
        File.AppendAllText(Source, Convert.ToBase64String("zzzqqq"u8) + " 100300\n");

        var tokenizer = Llama3Tokenizer.Load(Source);

        Assert.False(tokenizer.Compiled);
        Assert.Contains("bytes, the compiled tokenizer was made from", tokenizer.CompiledSkipped);
        Assert.Equal(100_257, tokenizer.BaseVocabularySize); // the new rank is there: the source was read
    }

    [Fact]
    public void A_rank_file_changed_in_place_is_read_instead()
    {
        CopyBuiltTokenizer();
        var lines = File.ReadAllLines(Source);
        (lines[0], lines[1]) = (lines[1].Split(' ')[0] + " 0", lines[0].Split(' ')[0] + " 1"); // same bytes, ranks 0 and 1 swapped
        File.WriteAllText(Source, string.Join('\n', lines) + "\n");
        Assert.Equal(new FileInfo(Path.Combine(tiny.Dir, ModelDirectoryLayout.TiktokenFile)).Length, new FileInfo(Source).Length);

        var tokenizer = Llama3Tokenizer.Load(Source);

        Assert.False(tokenizer.Compiled);
        Assert.Contains("has changed since the tokenizer was compiled", tokenizer.CompiledSkipped);
        Assert.Equal([1], tokenizer.Encode("!")); // "!" had rank 0
    }

    [Theory]
    [InlineData(100)]       // inside the arrays
    [InlineData(20)]        // inside the header
    public void A_truncated_compiled_tokenizer_is_refused_naming_its_path(int keep)
    {
        CopyBuiltTokenizer();
        var bytes = File.ReadAllBytes(Compiled);
        File.WriteAllBytes(Compiled, bytes[..keep]);

        var error = Assert.Throws<ModelLoadException>(() => Llama3Tokenizer.Load(Source));

        Assert.Equal(ModelLoadFailure.Tokenizer, error.Failure);
        Assert.Contains(Compiled, error.Message);
        Assert.Contains("compile-tokenizer", error.Message);
    }

    [Fact]
    public void A_table_slot_naming_a_rank_without_a_token_is_refused()
    {
        CopyBuiltTokenizer();
        var bytes = File.ReadAllBytes(Compiled);
        var rankLimit = BitConverter.ToInt32(bytes, 28);
        var tableStart = 44 + 2 * rankLimit * sizeof(int);
        var slot = Enumerable.Range(0, 1000).First(i => BitConverter.ToInt32(bytes, tableStart + i * 4) != -1);
        BitConverter.GetBytes(rankLimit + 5).CopyTo(bytes, tableStart + slot * 4);
        File.WriteAllBytes(Compiled, bytes);

        var error = Assert.Throws<ModelLoadException>(() => Llama3Tokenizer.Load(Source));

        Assert.Contains($"names rank {rankLimit + 5}, which has no token", error.Message);
    }

    [Fact]
    public void The_cli_compiles_an_export_tokenizer_and_says_what_loading_costs()
    {
        File.Copy(Path.Combine(tiny.Dir, ModelDirectoryLayout.TiktokenFile), Source);
        File.Copy(Path.Combine(tiny.Dir, ModelDirectoryLayout.ConfigFile), Path.Combine(_dir, ModelDirectoryLayout.ConfigFile));
        File.Copy(tiny.ModelPath, Path.Combine(_dir, ModelDirectoryLayout.OnnxModelFile));
        var stdout = new StringWriter();

        var exit = CliApp.Run(["compile-tokenizer", _dir], stdout, new StringWriter());

        Assert.Equal(CliApp.ExitOk, exit);
        Assert.Matches(@"wrote .*tokenizer\.bpe \([\d,]+ bytes, 100,256 ranks\): loads in [\d.]+ ms; parsing tokenizer\.model took [\d.]+ ms", stdout.ToString());
        Assert.True(Llama3Tokenizer.Load(Source).Compiled);
    }

    [Fact]
    public void The_cli_refuses_a_directory_that_is_not_a_model()
    {
        var stderr = new StringWriter();

        var exit = CliApp.Run(["compile-tokenizer", _dir], new StringWriter(), stderr);

        Assert.Equal(CliApp.ExitError, exit);
        Assert.Contains("config", stderr.ToString());
    }
}
