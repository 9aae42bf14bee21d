using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace LlamaAspire.InferenceFunction.Inference;

public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// The Llama 3 tokenizer through Microsoft.ML.Tokenizers: a tiktoken rank file (tokenizer.model, as Meta ships it and as
/// our model builder writes it) or a Hugging Face byte-level BPE tokenizer.json converted to ranks in memory.
/// Llama 3's split regex is source-generated (AOT-friendly, no Regex interpreter at cold start). The pre-tokenizer is given
/// no special tokens, so text never turns into them (the chat template inserts their ids itself); they still decode.
/// </summary>
public sealed partial class LlamaTokenizer
{
    public const int BeginOfText = 128000;
    public const int EndOfText = 128001;
    public const int StartHeader = 128006;
    public const int EndHeader = 128007;
    public const int EndOfMessage = 128008;
    public const int EndOfTurn = 128009;
    public const int SpecialTokenCount = 256;
    public static readonly string[] KnownRoles = ["system", "user", "assistant", "tool", "ipython"];

    [GeneratedRegex(@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex Llama3Split();

    readonly TiktokenTokenizer _tokenizer;
    readonly Dictionary<string, int> _special;

    LlamaTokenizer(TiktokenTokenizer tokenizer, Dictionary<string, int> special, int baseVocabularySize)
    {
        _tokenizer = tokenizer;
        _special = special;
        BaseVocabularySize = baseVocabularySize;
    }

    /// <summary>
    /// How many BPE ranks the tokenizer has (ids 0..n-1; specials start at 128000). Meta's Llama 3 file has 128000; the
    /// synthetic models' cl100k_base file has 100256, leaving ids 100256..127999 with no text.
    /// </summary>
    public int BaseVocabularySize { get; }

    public Tokenizer Inner => _tokenizer;

    public static Dictionary<string, int> Llama3SpecialTokens()
    {
        // As Llama 3.1/3.2 ship them: 11 named tokens (128005 is reserved_2) then reserved_3.. up to 128255.
        string[] named =
        [
            "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>",
        ];
        var d = new Dictionary<string, int>(SpecialTokenCount, StringComparer.Ordinal);
        for (int i = 0; i < named.Length; i++) d[named[i]] = BeginOfText + i;
        for (int i = named.Length, r = 3; i < SpecialTokenCount; i++, r++) d[$"<|reserved_special_token_{r}|>"] = BeginOfText + i;
        return d;
    }

    public static LlamaTokenizer Load(string path)
    {
        try
        {
            if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                return FromHuggingFaceJson(path);
            var special = Llama3SpecialTokens();
            var bytes = File.ReadAllBytes(path);
            int ranks = bytes.AsSpan().Count((byte)'\n') + (bytes.Length > 0 && bytes[^1] != (byte)'\n' ? 1 : 0);
            using var stream = new MemoryStream(bytes, writable: false);
            var tok = TiktokenTokenizer.Create(stream, new RegexPreTokenizer(Llama3Split(), null), normalizer: null, special);
            return new LlamaTokenizer(tok, special, ranks);
        }
        catch (ModelLoadException) { throw; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException or JsonException or KeyNotFoundException)
        {
            throw new ModelLoadException(ModelLoadException.TokenizerLoadError, $"Tokenizer '{path}' could not be loaded: {ex.Message}", ex);
        }
    }

    /// <summary>tokenizer.json (byte-level BPE, ids = tiktoken ranks as in Llama 3 exports) → an in-memory tiktoken rank file.</summary>
    static LlamaTokenizer FromHuggingFaceJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new ModelLoadException(ModelLoadException.TokenizerLoadError, $"Tokenizer '{path}' has no model.vocab object (only byte-level BPE tokenizer.json is supported).");
        var unicodeToByte = ByteLevelDecoderMap();
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            foreach (var t in added.EnumerateArray())
                if (t.TryGetProperty("content", out var c) && t.TryGetProperty("id", out var id))
                    special[c.GetString()!] = id.GetInt32();
        if (special.Count == 0) special = Llama3SpecialTokens();

        int ranks = 0;
        var sb = new StringBuilder(vocab.EnumerateObject().Count() * 12);
        var bytes = new List<byte>(64);
        foreach (var entry in vocab.EnumerateObject())
        {
            if (special.ContainsKey(entry.Name)) continue;
            bytes.Clear();
            foreach (char ch in entry.Name)
            {
                if (!unicodeToByte.TryGetValue(ch, out var b))
                    throw new ModelLoadException(ModelLoadException.TokenizerLoadError, $"Tokenizer '{path}': token '{entry.Name}' is not byte-level BPE.");
                bytes.Add(b);
            }
            sb.Append(Convert.ToBase64String([.. bytes])).Append(' ').Append(entry.Value.GetInt32()).Append('\n');
            ranks++;
        }
        using var rankFile = new MemoryStream(Encoding.ASCII.GetBytes(sb.ToString()));
        var tok = TiktokenTokenizer.Create(rankFile, new RegexPreTokenizer(Llama3Split(), null), normalizer: null, special);
        return new LlamaTokenizer(tok, special, ranks);
    }

    /// <summary>GPT-2's bytes_to_unicode, inverted.</summary>
    static Dictionary<char, byte> ByteLevelDecoderMap()
    {
        var map = new Dictionary<char, byte>(256);
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[printable ? (char)b : (char)(256 + n++)] = (byte)b;
        }
        return map;
    }

    /// <summary>Plain text, no special tokens recognised (user text can't inject headers).</summary>
    public void EncodeText(string text, List<int> into)
    {
        if (text.Length == 0) return;
        into.AddRange(_tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false));
    }

    public int SpecialId(string token) => _special[token];

    /// <summary>&lt;|begin_of_text|&gt; + prompt.</summary>
    public List<int> EncodePrompt(string prompt)
    {
        var ids = new List<int>(prompt.Length / 3 + 2) { BeginOfText };
        EncodeText(prompt, ids);
        return ids;
    }

    /// <summary>The Llama 3 chat template, ending with the assistant header so the model answers.</summary>
    public List<int> EncodeChat(IReadOnlyList<ChatMessage> messages)
    {
        var ids = new List<int>(64) { BeginOfText };
        foreach (var m in messages)
        {
            ids.Add(StartHeader);
            EncodeText(m.Role, ids);
            ids.Add(EndHeader);
            EncodeText("\n\n" + m.Content.Trim(), ids);
            ids.Add(EndOfTurn);
        }
        ids.Add(StartHeader);
        EncodeText("assistant", ids);
        ids.Add(EndHeader);
        EncodeText("\n\n", ids);
        return ids;
    }

    /// <summary>The text of generated ids (special tokens dropped). An incomplete UTF-8 tail decodes to U+FFFD.</summary>
    public string Decode(IReadOnlyList<int> ids)
    {
        bool anySpecial = false;
        for (int i = 0; i < ids.Count && !anySpecial; i++) anySpecial = ids[i] >= BeginOfText;
        return _tokenizer.Decode(anySpecial ? ids.Where(i => i < BeginOfText) : ids);
    }
}
