namespace LlamaAspire.LlamaModel;

/// <summary>Which part of a model directory could not be used: each consumer reports the kinds its own way.</summary>
public enum ModelLoadFailure
{
    /// <summary>config.json / genai_config.json is missing, unreadable or lacks a required field.</summary>
    Config,

    /// <summary>The directory or a model file (or its external data) is missing, or the runtime could not load it.</summary>
    Model,

    /// <summary>The tokenizer file is missing or not a format we read.</summary>
    Tokenizer,
}
