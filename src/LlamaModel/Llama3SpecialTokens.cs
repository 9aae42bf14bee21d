namespace LlamaAspire.LlamaModel;

/// <summary>
/// Llama 3's 256 special tokens (ids 128000..128255), named as Llama 3.1/3.2 ship them. The one table both the model
/// builder (config.json's bos/eos ids) and the inference function (chat template, stop tokens, logit suppression) use.
/// </summary>
public static class Llama3SpecialTokens
{
    /// <summary>&lt;|begin_of_text|&gt;, also the first special id.</summary>
    public const int BeginOfText = 128000;

    /// <summary>&lt;|end_of_text|&gt;.</summary>
    public const int EndOfText = 128001;

    /// <summary>&lt;|start_header_id|&gt;: opens a chat turn's role header.</summary>
    public const int StartHeader = 128006;

    /// <summary>&lt;|end_header_id|&gt;: closes a chat turn's role header.</summary>
    public const int EndHeader = 128007;

    /// <summary>&lt;|eom_id|&gt;: end of message (tool calls).</summary>
    public const int EndOfMessage = 128008;

    /// <summary>&lt;|eot_id|&gt;: end of turn.</summary>
    public const int EndOfTurn = 128009;

    /// <summary>The lowest special id; every id below it is a BPE rank.</summary>
    public const int FirstId = BeginOfText;

    /// <summary>How many special ids Llama 3 reserves (128000..128255).</summary>
    public const int Count = 256;

    /// <summary>The ids a Llama 3 model ends generation with (config.json's eos_token_id for the models we build).</summary>
    public static IReadOnlyList<int> EndOfSequenceIds { get; } = [EndOfText, EndOfMessage, EndOfTurn];

    /// <summary>Every special token's text → its id: 11 named tokens, then reserved_3.. up to 128255.</summary>
    public static IReadOnlyDictionary<string, int> ByName { get; } = Build();

    /// <summary>True for ids in Llama 3's special range.</summary>
    public static bool IsSpecial(int id) => id is >= FirstId and < FirstId + Count;

    private static Dictionary<string, int> Build()
    {
        // 128005 is reserved_2: Meta renamed 128004 to finetune_right_pad_id in 3.1, leaving the numbering with a gap.
        string[] named =
        [
            "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|eom_id|>", "<|eot_id|>", "<|python_tag|>",
        ];
        var tokens = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (var i = 0; i < named.Length; i++)
        {
            tokens[named[i]] = FirstId + i;
        }

        for (int i = named.Length, reserved = 3; i < Count; i++, reserved++)
        {
            tokens[$"<|reserved_special_token_{reserved}|>"] = FirstId + i;
        }

        return tokens;
    }
}
