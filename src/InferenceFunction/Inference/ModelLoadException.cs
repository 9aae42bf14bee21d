namespace LlamaAspire.InferenceFunction.Inference;

/// <summary>A model directory problem found at init. Program turns it into an /init/error with this errorType.</summary>
public sealed class ModelLoadException : Exception
{
    public const string ModelLoadError = "Runtime.ModelLoadError";
    public const string TokenizerLoadError = "Runtime.TokenizerLoadError";
    public const string ConfigError = "Runtime.ModelConfigError";

    public ModelLoadException(string errorType, string message, Exception? inner = null) : base(message, inner) => ErrorType = errorType;

    public string ErrorType { get; }
}
