namespace LlamaAspire.LlamaModel;

/// <summary>How the graph's KV cache inputs are shaped.</summary>
public enum KvCacheMode
{
    /// <summary>A fixed context-length buffer the graph writes into in place (our models; GenAI past_present_share_buffer).</summary>
    SharedBuffer,

    /// <summary>past/present grow by one position per step (plain Hugging Face/Optimum exports).</summary>
    Growing,
}
