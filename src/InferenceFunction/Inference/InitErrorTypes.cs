using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Inference;

/// <summary>The /init/error errorType the function reports for each kind of model directory failure.</summary>
public static class InitErrorTypes
{
    public const string ModelLoadError = "Runtime.ModelLoadError";
    public const string TokenizerLoadError = "Runtime.TokenizerLoadError";
    public const string ConfigError = "Runtime.ModelConfigError";

    /// <summary>The errorType of <paramref name="failure"/>.</summary>
    public static string Of(ModelLoadFailure failure) => failure switch
    {
        ModelLoadFailure.Config => ConfigError,
        ModelLoadFailure.Tokenizer => TokenizerLoadError,
        _ => ModelLoadError,
    };
}
