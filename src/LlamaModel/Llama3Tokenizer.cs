using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace LlamaAspire.LlamaModel;

/// <summary>
/// The Llama 3 tokenizer: byte-level BPE over a tiktoken rank file (tokenizer.model, as Meta ships it and as the model
/// builder writes it) or a Hugging Face tokenizer.json converted to ranks in memory, with Llama 3's split pattern. Its own
/// loader (<see cref="BytePairRanks"/>) keeps init short: Microsoft.ML.Tokenizers' took 150–200 ms for the same file, on the
/// cold start's critical path. A test checks the ids against Microsoft.ML.Tokenizers' on a varied corpus.
/// <para>
/// Text is always plain text: special-token text such as "&lt;|eot_id|&gt;" typed in a prompt is ordinary BPE tokens and
/// cannot close a turn or open a header. Special ids enter a sequence only where the chat template
/// (<see cref="EncodeChat"/>, <see cref="EncodePrompt"/>) puts them. They still decode (<see cref="DecodeIncludingSpecialTokens"/>).
/// </para>
/// </summary>
public sealed partial class Llama3Tokenizer
{
    /// <summary>Llama 3's pre-tokenizer split pattern (meta-llama/llama3 tokenizer.py).</summary>
    public const string SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private readonly BytePairRanks _ranks;
    private readonly Dictionary<int, string> _specialTokens;

    private Llama3Tokenizer(BytePairRanks ranks, IReadOnlyDictionary<string, int> specialTokens, int baseVocabularySize, bool compiled)
    {
        _ranks = ranks;
        SpecialTokens = specialTokens;
        _specialTokens = specialTokens.ToDictionary(kv => kv.Value, kv => kv.Key);
        BaseVocabularySize = baseVocabularySize;
        Compiled = compiled;
    }

    /// <summary>
    /// How many BPE ranks the tokenizer has (ids 0..n-1; specials start at 128000). Meta's Llama 3 file has 128000; the
    /// synthetic models' cl100k_base file has 100256, leaving ids 100256..127999 with no text.
    /// </summary>
    public int BaseVocabularySize { get; }

    /// <summary>True when it was read from the compiled tokenizer (<see cref="CompiledTokenizer"/>) rather than parsed from its source.</summary>
    public bool Compiled { get; }

    /// <summary>Why a compiled tokenizer beside the source was not used (its source changed since), or null.</summary>
    public string? CompiledSkipped { get; private set; }

    internal BytePairRanks Ranks => _ranks;

    internal IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>
    /// Loads a tiktoken rank file, or a Hugging Face tokenizer.json when the path ends in .json — from the compiled tokenizer
    /// beside it (<see cref="ModelDirectoryLayout.CompiledTokenizerFile"/>) when there is one made from this very file. Every
    /// failure is a <see cref="ModelLoadException"/> of kind <see cref="ModelLoadFailure.Tokenizer"/> naming the path.
    /// </summary>
    public static Llama3Tokenizer Load(string path)
    {
        var compiledPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ModelDirectoryLayout.CompiledTokenizerFile);
        string? skipped = null;
        if (File.Exists(compiledPath))
        {
            try
            {
                if (CompiledTokenizer.TryLoad(compiledPath, path, out skipped) is { } compiled)
                {
                    return compiled;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new ModelLoadException(ModelLoadFailure.Tokenizer,
                    $"Compiled tokenizer '{compiledPath}' could not be read: {ex.Message} (delete it, or write it again with llama-model-builder compile-tokenizer).", ex);
            }
        }

        try
        {
            var parsed = Parse(path, File.ReadAllBytes(path));
            parsed.CompiledSkipped = skipped;
            return parsed;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException
            or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            // What the file system and the parsers throw for an unreadable or malformed file: reported with the path.
            throw new ModelLoadException(ModelLoadFailure.Tokenizer, $"Tokenizer '{path}' could not be loaded: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Parses a tokenizer's source, ignoring any compiled tokenizer beside it: a tiktoken rank file, or a Hugging Face
    /// tokenizer.json when <paramref name="path"/> ends in .json. Malformed input throws what the parsers throw.
    /// </summary>
    public static Llama3Tokenizer Parse(string path, byte[] source)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var converted = HuggingFaceTokenizerJson.ToRankFile(path, source);
            return new Llama3Tokenizer(BytePairRanks.Parse(converted.RankFile), converted.SpecialTokens, converted.RankCount, compiled: false);
        }

        var ranks = BytePairRanks.Parse(source);
        return new Llama3Tokenizer(ranks, Llama3SpecialTokens.ByName, ranks.Count, compiled: false);
    }

    internal static Llama3Tokenizer FromRanks(BytePairRanks ranks, IReadOnlyDictionary<string, int> specialTokens, int baseVocabularySize, bool compiled) =>
        new(ranks, specialTokens, baseVocabularySize, compiled);

    /// <summary>Source-generated: AOT-friendly, no Regex interpreter at cold start.</summary>
    [GeneratedRegex(SplitPattern)]
    private static partial Regex SplitRegex();

    /// <summary>Appends the BPE ids of <paramref name="text"/>; special-token text in it is plain text.</summary>
    public void EncodeText(string text, List<int> into)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(into);
        if (text.Length == 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            foreach (var match in SplitRegex().EnumerateMatches(text))
            {
                var piece = text.AsSpan(match.Index, match.Length);
                var needed = Encoding.UTF8.GetMaxByteCount(piece.Length);
                if (needed > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed);
                }

                var written = Encoding.UTF8.GetBytes(piece, buffer);
                BytePairEncoder.Encode(_ranks, buffer.AsSpan(0, written), into);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The BPE ids of <paramref name="text"/>; special-token text in it is plain text.</summary>
    public List<int> Encode(string text)
    {
        var ids = new List<int>(text.Length / 3 + 1);
        EncodeText(text, ids);
        return ids;
    }

    /// <summary>&lt;|begin_of_text|&gt; + prompt.</summary>
    public List<int> EncodePrompt(string prompt)
    {
        var ids = new List<int>(prompt.Length / 3 + 2) { Llama3SpecialTokens.BeginOfText };
        EncodeText(prompt, ids);
        return ids;
    }

    /// <summary>
    /// The Llama 3 chat template, ending with the assistant header so the model answers:
    /// <c>&lt;|begin_of_text|&gt;</c> then per message <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c>.
    /// Roles and contents are encoded as plain text; the template's special ids are the only special ids in the result.
    /// </summary>
    public List<int> EncodeChat(IReadOnlyList<ChatMessage> messages)
    {
        var ids = new List<int>(64) { Llama3SpecialTokens.BeginOfText };
        foreach (var message in messages)
        {
            AppendHeader(message.Role, ids);
            EncodeText("\n\n" + message.Content.Trim(), ids);
            ids.Add(Llama3SpecialTokens.EndOfTurn);
        }

        AppendHeader("assistant", ids);
        EncodeText("\n\n", ids);
        return ids;
    }

    private void AppendHeader(string role, List<int> ids)
    {
        ids.Add(Llama3SpecialTokens.StartHeader);
        EncodeText(role, ids);
        ids.Add(Llama3SpecialTokens.EndHeader);
    }

    /// <summary>The text of generated ids, special tokens dropped. An incomplete UTF-8 tail decodes to U+FFFD.</summary>
    public string Decode(IReadOnlyList<int> ids) => Decode(ids, includeSpecialTokens: false);

    /// <summary>The ids rendered as the model sees them, special tokens as their text (for logs and tests of the template).</summary>
    public string DecodeIncludingSpecialTokens(IReadOnlyList<int> ids) => Decode(ids, includeSpecialTokens: true);

    private string Decode(IReadOnlyList<int> ids, bool includeSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // Called once per generated token by the streaming decoder: one byte buffer, a StringBuilder only for special text.
        StringBuilder? text = null;
        var bytes = new ArrayBufferWriter<byte>(ids.Count * 4 + 4);
        foreach (var id in ids)
        {
            if (id < Llama3SpecialTokens.FirstId)
            {
                // An id with no token (the gap a smaller vocabulary leaves below the specials) has no text.
                bytes.Write(_ranks.BytesOf(id));
            }
            else if (includeSpecialTokens && _specialTokens.TryGetValue(id, out var special))
            {
                // Bytes before a special token are text of their own: flush them first.
                text ??= new StringBuilder();
                text.Append(Encoding.UTF8.GetString(bytes.WrittenSpan)).Append(special);
                bytes.ResetWrittenCount();
            }
        }

        var tail = Encoding.UTF8.GetString(bytes.WrittenSpan);
        return text is null ? tail : text.Append(tail).ToString();
    }
}
