using System.Text.Encodings.Web;
using System.Text.Json;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.ModelBuilder.Tokenizer;

/// <summary>
/// Writes the rank file's tokenizer as Hugging Face files (tokenizer.json, tokenizer_config.json), the form ONNX Runtime GenAI
/// and transformers read: the byte-level vocabulary, the merges recovered from the ranks (as transformers' tiktoken converter
/// does: a token's merge is the last step of BPE on its own bytes with only lower ranks allowed), Llama 3's split pattern
/// and its special tokens.
/// </summary>
internal static class HuggingFaceTokenizerWriter
{
    /// <summary>What <see cref="WriteInto"/> writes.</summary>
    public static IReadOnlyList<string> Files { get; } = [ModelDirectoryLayout.HuggingFaceTokenizerFile, TokenizerConfigFile];

    private const string TokenizerConfigFile = "tokenizer_config.json";

    private static readonly JsonWriterOptions s_options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteInto(string modelDir, BytePairRanks ranks)
    {
        using (var file = File.Create(Path.Combine(modelDir, ModelDirectoryLayout.HuggingFaceTokenizerFile)))
        using (var w = new Utf8JsonWriter(file, s_options))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteStartArray("added_tokens");
            foreach (var (content, id) in Llama3SpecialTokens.ByName.OrderBy(kv => kv.Value))
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("content", content);
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("special", true);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNull("normalizer");
            WritePreTokenizer(w);
            w.WriteStartObject("decoder");
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", true);
            w.WriteBoolean("trim_offsets", true);
            w.WriteBoolean("use_regex", true);
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("unk_token");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", true);
            w.WriteStartObject("vocab");
            for (var rank = 0; rank < ranks.RankLimit; rank++)
            {
                if (ranks.BytesOf(rank) is { IsEmpty: false } bytes)
                {
                    w.WriteNumber(ByteLevelAlphabet.Spell(bytes), rank);
                }
            }

            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var (left, right) in Merges(ranks))
            {
                w.WriteStringValue(ByteLevelAlphabet.Spell(left) + " " + ByteLevelAlphabet.Spell(right));
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        using (var file = File.Create(Path.Combine(modelDir, TokenizerConfigFile)))
        using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
            w.WriteBoolean("add_bos_token", true);
            w.WriteBoolean("add_eos_token", false);
            w.WriteString("bos_token", SpecialName(Llama3SpecialTokens.BeginOfText));
            w.WriteString("eos_token", SpecialName(Llama3SpecialTokens.EndOfTurn));
            w.WriteBoolean("clean_up_tokenization_spaces", true);
            w.WriteNumber("model_max_length", 131_072);
            w.WriteEndObject();
        }
    }

    /// <summary>
    /// The merges in rank order: for each token of two or more bytes, BPE on its bytes using only ranks below its own must end
    /// in exactly two parts, and those two make it.
    /// </summary>
    internal static IEnumerable<(byte[] Left, byte[] Right)> Merges(BytePairRanks ranks)
    {
        for (var rank = 0; rank < ranks.RankLimit; rank++)
        {
            var token = ranks.BytesOf(rank);
            if (token.Length < 2)
            {
                continue;
            }

            var bounds = MergeBelow(ranks, token, rank);
            if (bounds.Count == 3)
            {
                yield return (token[..bounds[1]].ToArray(), token[bounds[1]..].ToArray());
            }
        }
    }

    /// <summary>Part boundaries after merging adjacent parts, lowest rank first, while that rank is below <paramref name="maxRank"/>.</summary>
    private static List<int> MergeBelow(BytePairRanks ranks, ReadOnlySpan<byte> token, int maxRank)
    {
        var bounds = Enumerable.Range(0, token.Length + 1).ToList();
        while (bounds.Count > 2)
        {
            int best = -1, bestRank = maxRank;
            for (var i = 0; i + 2 < bounds.Count; i++)
            {
                var r = ranks.RankOf(token[bounds[i]..bounds[i + 2]]);
                if (r >= 0 && r < bestRank)
                {
                    (best, bestRank) = (i, r);
                }
            }

            if (best < 0)
            {
                break;
            }

            bounds.RemoveAt(best + 1);
        }

        return bounds;
    }

    private static void WritePreTokenizer(Utf8JsonWriter w)
    {
        w.WriteStartObject("pre_tokenizer");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("pretokenizers");
        w.WriteStartObject();
        w.WriteString("type", "Split");
        w.WriteStartObject("pattern");
        w.WriteString("Regex", Llama3Tokenizer.SplitPattern);
        w.WriteEndObject();
        w.WriteString("behavior", "Isolated");
        w.WriteBoolean("invert", false);
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", false);
        w.WriteBoolean("trim_offsets", true);
        w.WriteBoolean("use_regex", false);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string SpecialName(int id) => Llama3SpecialTokens.ByName.First(kv => kv.Value == id).Key;
}
