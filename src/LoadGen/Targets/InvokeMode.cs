namespace LlamaAspire.LoadGen.Targets;

/// <summary>How the answer comes back.</summary>
public enum InvokeMode
{
    /// <summary><c>Invoke</c>: the whole answer at once.</summary>
    Buffered,

    /// <summary><c>InvokeWithResponseStream</c>: event-stream chunks as the function writes them; time to the first chunk measured.</summary>
    Streaming,
}
