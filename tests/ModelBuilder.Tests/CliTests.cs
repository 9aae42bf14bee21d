using LlamaAspire.ModelBuilder.Cli;

namespace LlamaAspire.ModelBuilder.Tests;

public class CliTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLineError((int Code, string Out, string Err) r, string expected)
    {
        Assert.Equal(CliApp.ExitError, r.Code);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildWritesACompleteDirectoryAndPrintsFiles()
    {
        var dir = tiny.NewDir("cli-build");
        var r = Run("build", "--preset", "tiny", "--out", dir, "--seed", "42", "--verify");
        Assert.Equal(0, r.Code);
        Assert.Contains("model.onnx", r.Out, StringComparison.Ordinal);
        Assert.Contains("verified: session created", r.Out, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(tiny.ModelPath), File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
    }

    [Fact]
    public void IfMissingSkipsACompleteDirectoryAndRebuildsAnIncompleteOne()
    {
        var dir = tiny.NewDir("cli-if-missing");
        Assert.Equal(0, Run("build", "--preset", "tiny", "--out", dir).Code);
        var written = File.GetLastWriteTimeUtc(Path.Combine(dir, "model.onnx"));
        var skip = Run("build", "--preset", "tiny", "--out", dir, "--if-missing");
        Assert.Equal(0, skip.Code);
        Assert.Single(skip.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("skipping", skip.Out, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(dir, "model.onnx")));

        var otherSeed = Run("build", "--preset", "tiny", "--out", dir, "--if-missing", "--seed", "7");
        Assert.Equal(0, otherSeed.Code);
        Assert.Contains("built with seed 42; rebuilding", otherSeed.Out, StringComparison.Ordinal);
        Assert.Equal(7UL, Llama.BuiltModel.Load(dir).Seed);

        File.Delete(Path.Combine(dir, "tokenizer.model"));
        var rebuild = Run("build", "--preset", "tiny", "--out", dir, "--if-missing", "--seed", "7");
        Assert.Equal(0, rebuild.Code);
        Assert.True(File.Exists(Path.Combine(dir, "tokenizer.model")));
    }

    [Theory]
    [InlineData("unknown preset 'llama-9b'", "build", "--preset", "llama-9b")]
    [InlineData("unknown option --bogus", "build", "--bogus")]
    [InlineData("--format must be one of onnx, ort", "build", "--format", "gguf")]
    [InlineData("--seed must be a non-negative integer", "build", "--seed", "-3")]
    [InlineData("--layers must be an integer", "build", "--layers", "two")]
    [InlineData("--kv-heads must be positive and divide --heads (4)", "build", "--kv-heads", "3")]
    [InlineData("--hidden-size must be a positive multiple of 32", "build", "--hidden-size", "100")]
    [InlineData("--vocab-size must be at least 128256", "build", "--vocab-size", "32000")]
    [InlineData("--context-length must be between 16", "build", "--context-length", "8")]
    [InlineData("--out needs a value", "build", "--out")]
    [InlineData("unknown command 'convert'", "convert")]
    [InlineData("--prepack and --external-data apply to --format onnx only", "build", "--format", "ort", "--prepack")]
    public void BadInputIsOneClearLineAndExitCode2(string expected, params string[] args) => AssertOneLineError(Run(args), expected);

    [Fact]
    public void UnwritableOutputDirectoryIsReported()
    {
        var file = Path.Combine(tiny.Root, "a-file");
        File.WriteAllText(file, "not a directory");
        AssertOneLineError(Run("build", "--preset", "tiny", "--out", Path.Combine(file, "model")), "Cannot write to output directory");
    }

    [Fact]
    public void InspectOfAMissingDirectoryIsReported() =>
        AssertOneLineError(Run("inspect", Path.Combine(tiny.Root, "nope")), "does not exist");

    [Fact]
    public void InspectOfADirectoryWithoutConfigIsReported()
    {
        var empty = Directory.CreateDirectory(tiny.NewDir("empty")).FullName;
        AssertOneLineError(Run("inspect", empty), "config.json' not found");
    }

    [Fact]
    public void InspectPrintsDimsParametersFilesOpsAndVariant()
    {
        var r = Run("inspect", tiny.Dir);
        Assert.Equal(0, r.Code);
        Assert.Contains("hidden 64, layers 2, heads 4, kv heads 2, head dim 16, intermediate 192, vocab 128256", r.Out, StringComparison.Ordinal);
        Assert.Contains("context length   512", r.Out, StringComparison.Ordinal);
        Assert.Contains("parameters       8,307,008", r.Out, StringComparison.Ordinal);
        Assert.Contains("format onnx, optimized false, prepacked false", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"model\.onnx\s+[\d,]+ bytes", r.Out);
        Assert.Matches(@"tokenizer\.model\s+[\d,]+ bytes", r.Out);
        Assert.Matches(@"com\.microsoft\.MatMulNBits\s+11\b", r.Out);
        Assert.Matches(@"com\.microsoft\.GroupQueryAttention\s+2\b", r.Out);
        Assert.Matches(@"com\.microsoft\.GatherBlockQuantized\s+1\b", r.Out);
        Assert.Matches(@"com\.microsoft\.SkipSimplifiedLayerNormalization\s+4\b", r.Out);
    }
}
