using System.Text.Json;
using LlamaAspire.ModelBuilder.Llama;

namespace LlamaAspire.ModelBuilder.Tests;

public class ConfigContractTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void ConfigJsonHasTheHuggingFaceFieldsAndTheLlamaAspireObject()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(tiny.Dir, "config.json")));
        var c = doc.RootElement;
        Assert.Equal("llama", c.GetProperty("model_type").GetString());
        Assert.Equal(64, c.GetProperty("hidden_size").GetInt32());
        Assert.Equal(192, c.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(2, c.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(4, c.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(2, c.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(16, c.GetProperty("head_dim").GetInt32());
        Assert.Equal(128256, c.GetProperty("vocab_size").GetInt32());
        Assert.Equal(1e-5, c.GetProperty("rms_norm_eps").GetDouble());
        Assert.Equal(500000.0, c.GetProperty("rope_theta").GetDouble());
        var rope = c.GetProperty("rope_scaling");
        Assert.Equal("llama3", rope.GetProperty("rope_type").GetString());
        Assert.Equal(32.0, rope.GetProperty("factor").GetDouble());
        Assert.Equal(1.0, rope.GetProperty("low_freq_factor").GetDouble());
        Assert.Equal(4.0, rope.GetProperty("high_freq_factor").GetDouble());
        Assert.Equal(8192, rope.GetProperty("original_max_position_embeddings").GetInt32());
        Assert.Equal(131072, c.GetProperty("max_position_embeddings").GetInt32());
        Assert.Equal(128000, c.GetProperty("bos_token_id").GetInt32());
        Assert.Equal([128001, 128008, 128009], c.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.True(c.GetProperty("tie_word_embeddings").GetBoolean());

        var la = c.GetProperty("llamaaspire");
        Assert.Equal(512, la.GetProperty("context_length").GetInt32());
        Assert.Equal("shared-buffer", la.GetProperty("kv_cache").GetString());
        Assert.Equal("tiny", la.GetProperty("preset").GetString());
        Assert.Equal(42UL, la.GetProperty("seed").GetUInt64());
        Assert.True(la.GetProperty("synthetic").GetBoolean());
        Assert.Equal("model.onnx", la.GetProperty("model_file").GetString());
        Assert.Equal("tokenizer.model", la.GetProperty("tokenizer_file").GetString());
        Assert.Equal("onnx", la.GetProperty("format").GetString());
        Assert.False(la.GetProperty("optimized").GetBoolean());
        Assert.False(la.GetProperty("prepacked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, la.GetProperty("external_data_file").ValueKind);
        Assert.Equal("ORT_ENABLE_ALL", la.GetProperty("session_options").GetProperty("graph_optimization_level").GetString());
        Assert.True(File.Exists(Path.Combine(tiny.Dir, la.GetProperty("model_file").GetString()!)));
    }

    [Fact]
    public void ContextLengthFlagReachesGraphAndConfig()
    {
        var dir = tiny.NewDir("ctx");
        var dims = Presets.Get(Presets.Tiny, contextLength: 128)!;
        ModelBuild.Run(new BuildRequest(Presets.Tiny, dims, 42, dir), new NullProgress());
        var m = BuiltModel.Load(dir);
        Assert.Equal(128, m.Dims.ContextLength);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(m.ModelPath);
        Assert.Equal(128, session.InputMetadata["past_key_values.0.key"].Dimensions[2]);
    }

    [Fact]
    public void PresetsCarryTheRealDimensions()
    {
        var b1 = Presets.Get(Presets.Llama1B)!;
        Assert.Equal((2048, 16, 32, 8, 64, 8192, 128256, 2048), (b1.HiddenSize, b1.Layers, b1.Heads, b1.KvHeads, b1.HeadDim, b1.IntermediateSize, b1.VocabSize, b1.ContextLength));
        Assert.InRange(b1.ParameterCount, 1.23e9, 1.24e9);
        var b3 = Presets.Get(Presets.Llama3B)!;
        Assert.Equal((3072, 28, 24, 8, 128, 8192), (b3.HiddenSize, b3.Layers, b3.Heads, b3.KvHeads, b3.HeadDim, b3.IntermediateSize));
        Assert.InRange(b3.ParameterCount, 3.21e9, 3.22e9);
        Assert.Null(b1.Validate());
        Assert.Null(b3.Validate());
    }
}
