using System.Diagnostics;
using System.Globalization;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.ModelBuilder.Cli;

/// <summary>
/// `compile-tokenizer dir`: writes <see cref="ModelDirectoryLayout.CompiledTokenizerFile"/> beside a model directory's tokenizer
/// (ours, Meta's tokenizer.model or a Hugging Face tokenizer.json), so the function's init reads it instead of parsing the
/// source. Builds write it themselves; this is for a downloaded export.
/// </summary>
internal static class CompileTokenizerCommand
{
    public static int Run(string[] args, TextWriter o)
    {
        var a = new CliArgs(args, new HashSet<string>(), new HashSet<string>());
        if (a.Positional.Count != 1)
        {
            throw new UsageException("compile-tokenizer takes one argument: the model directory.");
        }

        string source;
        try
        {
            source = ModelDirectory.Load(Path.GetFullPath(a.Positional[0])).TokenizerPath;
        }
        catch (ModelLoadException e)
        {
            throw new UsageException(e.Message);
        }

        var compiled = Path.Combine(Path.GetDirectoryName(source)!, ModelDirectoryLayout.CompiledTokenizerFile);
        try
        {
            CompiledTokenizer.Write(source, compiled);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or ModelLoadException or InvalidOperationException)
        {
            throw new UsageException($"{source} could not be compiled: {e.Message}");
        }

        // Both loads once more, timed: what the function's tokenizer-load phase will now cost, and what it did.
        var watch = Stopwatch.StartNew();
        var parsed = Llama3Tokenizer.Parse(source, File.ReadAllBytes(source));
        var parseMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        var loaded = Llama3Tokenizer.Load(source);
        var loadMs = watch.Elapsed.TotalMilliseconds;
        if (!loaded.Compiled || loaded.BaseVocabularySize != parsed.BaseVocabularySize)
        {
            throw new InvalidOperationException($"{compiled} did not load back as written.");
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {compiled} ({new FileInfo(compiled).Length:N0} bytes, {loaded.BaseVocabularySize:N0} ranks): loads in {loadMs:F1} ms; parsing {Path.GetFileName(source)} took {parseMs:F1} ms"));
        return CliApp.ExitOk;
    }
}
