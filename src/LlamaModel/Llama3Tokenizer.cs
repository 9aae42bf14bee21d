using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace LlamaAspire.LlamaModel;

/// <summary>
/// The Llama 3 tokenizer through Microsoft.ML.Tokenizers: a tiktoken rank file (tokenizer.model, as Meta ships it and as
/// the model builder writes it) or a Hugging Face byte-level BPE tokenizer.json converted to ranks in memory.
/// <para>
/// Text is always plain text: the pre-tokenizer is given no special tokens, so "&lt;|eot_id|&gt;" typed in a prompt is
/// ordinary BPE tokens and cannot close a turn or open a header. Special ids enter a sequence only where the chat template
/// (<see cref="EncodeChat"/>, <see cref="EncodePrompt"/>) puts them. They still decode (<see cref="DecodeIncludingSpecialTokens"/>).
/// </para>
/// </summary>
public sealed partial class Llama3Tokenizer
{
    /// <summary>Llama 3's pre-tokenizer split pattern (meta-llama/llama3 tokenizer.py).</summary>
    public const string SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private readonly TiktokenTokenizer _tokenizer;

    private Llama3Tokenizer(TiktokenTokenizer tokenizer, int baseVocabularySize)
    {
        _tokenizer = tokenizer;
        BaseVocabularySize = baseVocabularySize;
    }

    /// <summary>
    /// How many BPE ranks the tokenizer has (ids 0..n-1; specials start at 128000). Meta's Llama 3 file has 128000; the
    /// synthetic models' cl100k_base file has 100256, leaving ids 100256..127999 with no text.
    /// </summary>
    public int BaseVocabularySize { get; }

    /// <summary>
    /// Loads a tiktoken rank file, or a Hugging Face tokenizer.json when the path ends in .json. Every failure is a
    /// <see cref="ModelLoadException"/> of kind <see cref="ModelLoadFailure.Tokenizer"/> naming the path.
    /// </summary>
    public static Llama3Tokenizer Load(string path)
    {
        try
        {
            if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                var converted = HuggingFaceTokenizerJson.ToRankFile(path);
                using var rankFile = new MemoryStream(converted.RankFile, writable: false);
                return Create(rankFile, converted.SpecialTokens, converted.RankCount);
            }

            var bytes = File.ReadAllBytes(path);
            var ranks = bytes.AsSpan().Count((byte)'\n') + (bytes.Length > 0 && bytes[^1] != (byte)'\n' ? 1 : 0);
            using var stream = new MemoryStream(bytes, writable: false);
            return Create(stream, Llama3SpecialTokens.ByName, ranks);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException
            or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            // What Microsoft.ML.Tokenizers and the file system throw for an unreadable or malformed file: reported with the path.
            throw new ModelLoadException(ModelLoadFailure.Tokenizer, $"Tokenizer '{path}' could not be loaded: {ex.Message}", ex);
        }
    }

    private static Llama3Tokenizer Create(Stream rankFile, IReadOnlyDictionary<string, int> specialTokens, int rankCount)
    {
        // The pre-tokenizer gets no special tokens (null): text never turns into them. The tokenizer itself knows them, so
        // their ids still decode to their text.
        var tokenizer = TiktokenTokenizer.Create(rankFile, new RegexPreTokenizer(SplitRegex(), null), normalizer: null,
            specialTokens.ToDictionary(StringComparer.Ordinal));
        return new Llama3Tokenizer(tokenizer, rankCount);
    }

    /// <summary>Source-generated: AOT-friendly, no Regex interpreter at cold start.</summary>
    [GeneratedRegex(SplitPattern)]
    private static partial Regex SplitRegex();

    /// <summary>Appends the BPE ids of <paramref name="text"/>; special-token text in it is plain text.</summary>
    public void EncodeText(string text, List<int> into)
    {
        if (text.Length == 0)
        {
            return;
        }

        into.AddRange(_tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false));
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
    public string Decode(IReadOnlyList<int> ids)
    {
        var anySpecial = false;
        for (var i = 0; i < ids.Count && !anySpecial; i++)
        {
            anySpecial = ids[i] >= Llama3SpecialTokens.FirstId;
        }

        return _tokenizer.Decode(anySpecial ? ids.Where(id => id < Llama3SpecialTokens.FirstId) : ids);
    }

    /// <summary>The ids rendered as the model sees them, special tokens as their text (for logs and tests of the template).</summary>
    public string DecodeIncludingSpecialTokens(IReadOnlyList<int> ids) => _tokenizer.Decode(ids);
}
