using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.LambdaRuntime;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>A missing or corrupt model directory is an init error naming the path and the cause.</summary>
public sealed class InitErrorTests : IDisposable
{
    readonly string _dir = TestPaths.NewTempDirectory("llama-bad");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static async Task<LambdaFunctionException> InitFails(string modelDir)
    {
        var lines = new List<string>();
        Func<string, string?> env = name => name == EnvVars.ModelDir ? modelDir : null;
        return await Assert.ThrowsAsync<LambdaFunctionException>(() => FunctionInit.InitializeAsync(DateTimeOffset.UtcNow, env, lines.Add));
    }

    const string Config = """
        {"model_type":"llama","hidden_size":64,"intermediate_size":128,"num_hidden_layers":1,"num_attention_heads":4,
         "num_key_value_heads":2,"head_dim":16,"vocab_size":128256,"max_position_embeddings":131072,"bos_token_id":128000,
         "eos_token_id":[128001,128009],"llamaaspire":{"context_length":64,"kv_cache":"shared-buffer"}}
        """;

    [Fact]
    public async Task Missing_directory()
    {
        var missing = Path.Combine(_dir, "nope");
        var ex = await InitFails(missing);
        Assert.Equal(InitErrorTypes.ModelLoadError, ex.ErrorType);
        Assert.Contains($"'{missing}' does not exist", ex.Message);
    }

    [Fact]
    public async Task Missing_config()
    {
        var ex = await InitFails(_dir);
        Assert.Equal(InitErrorTypes.ConfigError, ex.ErrorType);
        Assert.Contains(Path.Combine(_dir, "config.json"), ex.Message);
        Assert.Contains("not found", ex.Message);
    }

    [Fact]
    public async Task Corrupt_config()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), "{ \"hidden_size\": 64, ");
        var ex = await InitFails(_dir);
        Assert.Equal(InitErrorTypes.ConfigError, ex.ErrorType);
        Assert.Contains(Path.Combine(_dir, "config.json"), ex.Message);
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public async Task Config_missing_a_field()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), """{"hidden_size":64,"num_attention_heads":4,"num_hidden_layers":1}""");
        var ex = await InitFails(_dir);
        Assert.Contains("'vocab_size' is missing", ex.Message);
    }

    [Fact]
    public async Task Missing_model_file()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), Config);
        var ex = await InitFails(_dir);
        Assert.Equal(InitErrorTypes.ModelLoadError, ex.ErrorType);
        Assert.Contains($"No model file in '{_dir}'", ex.Message);
    }

    [Fact]
    public async Task Corrupt_model_file()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), Config);
        File.WriteAllText(Path.Combine(_dir, "tokenizer.model"), "");
        var model = Path.Combine(_dir, "model.onnx");
        File.WriteAllBytes(model, [0x08, 0xFF, 0xFF, 0x13, 0x37, 0x00, 0x42]);
        var ex = await InitFails(_dir);
        Assert.Equal(InitErrorTypes.ModelLoadError, ex.ErrorType);
        Assert.Contains($"Model '{model}' could not be loaded", ex.Message);
    }

    [Fact]
    public async Task Corrupt_ort_model_file()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), Config);
        File.WriteAllText(Path.Combine(_dir, "tokenizer.model"), "");
        var model = Path.Combine(_dir, "model.ort");
        File.WriteAllBytes(model, new byte[4096]);
        var ex = await InitFails(_dir);
        Assert.Equal(InitErrorTypes.ModelLoadError, ex.ErrorType);
        Assert.Contains(model, ex.Message);
    }
}
