namespace LlamaAspire.LlamaModel;

/// <summary>
/// A model directory that cannot be used. The message always names the path and the cause; <see cref="Failure"/> says
/// which part failed, so the inference function can map it to its init errorType and the model builder to its exit code.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>A failure of <paramref name="failure"/> kind described by <paramref name="message"/>.</summary>
    public ModelLoadException(ModelLoadFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
    }

    /// <summary>Which part of the model directory failed.</summary>
    public ModelLoadFailure Failure { get; }
}
