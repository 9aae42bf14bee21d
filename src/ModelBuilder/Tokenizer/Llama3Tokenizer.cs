// Self-contained: copy this file as-is to load a Llama 3 tiktoken tokenizer (Meta's `original/tokenizer.model`
// format, or the cl100k_base-ranked one ModelBuilder writes). Needs only Microsoft.ML.Tokenizers; AOT-friendly
// (source-generated regex).
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace LlamaAspire.ModelBuilder.Tokenizer;

/// <summary>Loads a Llama 3 tokenizer from a tiktoken rank file (`base64(token) rank` per line) plus Llama 3's special tokens.</summary>
public static partial class Llama3Tokenizer
{
    public const int BeginOfText = 128000, EndOfText = 128001, EomId = 128008, EotId = 128009;
    public const int FirstSpecialId = 128000, SpecialTokenCount = 256;

    /// <summary>Llama 3's pre-tokenizer split pattern (meta-llama/llama3 tokenizer.py).</summary>
    public const string SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    [GeneratedRegex(SplitPattern)]
    private static partial Regex SplitRegex();

    /// <summary>The 256 special tokens at 128000..128255, named as Llama 3.1/3.2 ship them.</summary>
    public static IReadOnlyDictionary<string, int> SpecialTokens { get; } = BuildSpecialTokens();

    private static Dictionary<string, int> BuildSpecialTokens()
    {
        string[] named =
        [
            "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|eom_id|>", "<|eot_id|>", "<|python_tag|>",
        ];
        var tokens = new Dictionary<string, int>(SpecialTokenCount, StringComparer.Ordinal);
        for (var i = 0; i < named.Length; i++)
        {
            tokens[named[i]] = FirstSpecialId + i;
        }

        for (var id = FirstSpecialId + named.Length; id < FirstSpecialId + SpecialTokenCount; id++)
        {
            tokens[$"<|reserved_special_token_{id - FirstSpecialId - named.Length + 3}|>"] = id;
        }

        return tokens;
    }

    /// <summary>Loads <paramref name="tokenizerModelPath"/> (a tiktoken rank file) as a Llama 3 tokenizer.</summary>
    public static TiktokenTokenizer Load(string tokenizerModelPath)
    {
        using var stream = File.OpenRead(tokenizerModelPath);
        return Load(stream);
    }

    public static TiktokenTokenizer Load(Stream rankFile) =>
        TiktokenTokenizer.Create(rankFile, new RegexPreTokenizer(SplitRegex(), SpecialTokens), normalizer: null, SpecialTokens);
}
