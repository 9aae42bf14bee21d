namespace LlamaAspire.LlamaModel;

/// <summary>
/// The file names of a model directory (Contract 1 in docs/architecture.md), spelled once for the model builder that
/// writes them and the inference function that reads them.
/// </summary>
public static class ModelDirectoryLayout
{
    /// <summary>Hugging Face LlamaConfig fields plus our `llamaaspire` object.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>What an ONNX Runtime GenAI export ships instead of (or beside) config.json.</summary>
    public const string GenAiConfigFile = "genai_config.json";

    /// <summary>The tiktoken rank file (`base64(token) rank` per line): what we write, and Meta's `original/tokenizer.model`.</summary>
    public const string TiktokenFile = "tokenizer.model";

    /// <summary>A Hugging Face byte-level BPE tokenizer, as real exports ship it.</summary>
    public const string HuggingFaceTokenizerFile = "tokenizer.json";

    /// <summary>The tokenizer compiled for cold start beside its source (<see cref="CompiledTokenizer"/>).</summary>
    public const string CompiledTokenizerFile = "tokenizer.bpe";

    /// <summary>A single-file ONNX model.</summary>
    public const string OnnxModelFile = "model.onnx";

    /// <summary>A single-file ORT-format model.</summary>
    public const string OrtModelFile = "model.ort";

    /// <summary>A model file's external data is the file name plus this suffix.</summary>
    public const string ExternalDataSuffix = ".data";

    /// <summary>Where to look for a model file when config.json does not name one (ours first, then Hugging Face export paths).</summary>
    public static IReadOnlyList<string> ModelFileCandidates { get; } = [OrtModelFile, OnnxModelFile, "onnx/model_q4.onnx", "onnx/model.onnx"];

    /// <summary>Where to look for a tokenizer when config.json does not name one.</summary>
    public static IReadOnlyList<string> TokenizerFileCandidates { get; } = [TiktokenFile, "original/" + TiktokenFile, HuggingFaceTokenizerFile];

    /// <summary>Part <paramref name="part"/> of a model split into sessions (builder --sessions N).</summary>
    public static string PartFile(int part) => $"model.part{part}.onnx";

    /// <summary>The external data file of <paramref name="modelFile"/>.</summary>
    public static string ExternalDataFileOf(string modelFile) => modelFile + ExternalDataSuffix;
}
