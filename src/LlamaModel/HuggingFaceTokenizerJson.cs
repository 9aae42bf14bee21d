using System.Text;
using System.Text.Json;

namespace LlamaAspire.LlamaModel;

/// <summary>
/// Converts a Hugging Face byte-level BPE tokenizer.json (ids = tiktoken ranks, as in Llama 3 exports) to an in-memory
/// tiktoken rank file, so both tokenizer formats load through the same TiktokenTokenizer.
/// </summary>
internal static class HuggingFaceTokenizerJson
{
    /// <summary>The rank file's bytes, its special tokens (added_tokens, else Llama 3's table) and its rank count.</summary>
    internal sealed record Converted(byte[] RankFile, IReadOnlyDictionary<string, int> SpecialTokens, int RankCount);

    /// <summary>Converts the file at <paramref name="path"/> (named in errors), whose bytes are <paramref name="json"/>.</summary>
    public static Converted ToRankFile(string path, byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(ModelLoadFailure.Tokenizer, $"Tokenizer '{path}' has no model.vocab object (only byte-level BPE tokenizer.json is supported).");
        }

        var special = AddedTokens(root);
        var ranks = 0;
        var rankFile = new StringBuilder(vocab.EnumerateObject().Count() * 12);
        var bytes = new List<byte>(64);
        foreach (var entry in vocab.EnumerateObject())
        {
            if (special.ContainsKey(entry.Name))
            {
                continue;
            }

            bytes.Clear();
            foreach (var ch in entry.Name)
            {
                if (!ByteLevelAlphabet.TryByteOf(ch, out var b))
                {
                    throw new ModelLoadException(ModelLoadFailure.Tokenizer, $"Tokenizer '{path}': token '{entry.Name}' is not byte-level BPE.");
                }

                bytes.Add(b);
            }

            rankFile.Append(Convert.ToBase64String([.. bytes])).Append(' ').Append(entry.Value.GetInt32()).Append('\n');
            ranks++;
        }

        return new Converted(Encoding.ASCII.GetBytes(rankFile.ToString()), special, ranks);
    }

    /// <summary>added_tokens as content → id; Llama 3's table when the file lists none.</summary>
    private static IReadOnlyDictionary<string, int> AddedTokens(JsonElement root)
    {
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (token.TryGetProperty("content", out var content) && token.TryGetProperty("id", out var id))
                {
                    special[content.GetString()!] = id.GetInt32();
                }
            }
        }

        return special.Count > 0 ? special : Llama3SpecialTokens.ByName;
    }
}
