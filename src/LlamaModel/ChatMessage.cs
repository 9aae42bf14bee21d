namespace LlamaAspire.LlamaModel;

/// <summary>One turn of a chat: its role and its content, which is always plain text (see <see cref="Llama3Tokenizer.EncodeChat"/>).</summary>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>The roles Llama 3's chat template knows.</summary>
    public static IReadOnlyList<string> KnownRoles { get; } = ["system", "user", "assistant", "tool", "ipython"];
}
