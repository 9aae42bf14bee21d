using System.Text;
using System.Text.Json;
using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class ModelDirectoryTests(TinyModelFixture tiny) : IDisposable
{
    readonly string _dir = TestPaths.NewTempDirectory("llama-dir");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Our_config_is_read_per_contract_1()
    {
        var c = ModelDirectory.Load(tiny.OnnxDirectory);
        Assert.Equal(KvCacheMode.SharedBuffer, c.KvCache);
        Assert.Equal(ModelFormat.Onnx, c.Format);
        Assert.Equal(512, c.ContextLength);
        Assert.Equal(512, ModelDirectory.Load(tiny.OnnxDirectory, contextCap: 128).ContextLength); // the graph's fixed length wins
        Assert.Equal(128256, c.VocabSize);
        Assert.Equal([128001, 128008, 128009], c.EosTokenIds);
        Assert.EndsWith("tokenizer.model", c.TokenizerPath);
        Assert.True(c.Synthetic);
        var o = ModelDirectory.Load(tiny.OrtDirectory);
        Assert.Equal(ModelFormat.Ort, o.Format);
        Assert.Equal(GraphOptimization.DisableAll, o.RecommendedOptimization);
        Assert.Equal(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL, SessionFactory.ChooseOptimization(FunctionOptions.FromEnvironment(_ => null), o));
        // An explicit override wins.
        Assert.Equal(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            SessionFactory.ChooseOptimization(FunctionOptions.FromEnvironment(n => n == EnvVars.GraphOptimization ? "basic" : null), o));
    }

    [Fact]
    public void A_real_export_without_our_section_is_growing_and_capped()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), """
            {"model_type":"llama","hidden_size":2048,"num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,
             "head_dim":64,"vocab_size":128256,"max_position_embeddings":131072,"bos_token_id":128000,"eos_token_id":128009}
            """);
        Directory.CreateDirectory(Path.Combine(_dir, "onnx"));
        File.WriteAllText(Path.Combine(_dir, "onnx", "model_q4.onnx"), "x");
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), "{}");
        var c = ModelDirectory.Load(_dir);
        Assert.Equal(KvCacheMode.Growing, c.KvCache);
        Assert.Equal(4096, c.ContextLength);
        Assert.Equal(2048, ModelDirectory.Load(_dir, contextCap: 2048).ContextLength);
        Assert.Equal([128009], c.EosTokenIds);
        Assert.EndsWith(Path.Combine("onnx", "model_q4.onnx"), c.ModelPath);
        Assert.EndsWith("tokenizer.json", c.TokenizerPath);
    }

    [Fact]
    public void An_ort_genai_export_is_read_from_genai_config()
    {
        File.WriteAllText(Path.Combine(_dir, "genai_config.json"), """
            {"model":{"bos_token_id":128000,"context_length":131072,"eos_token_id":[128001,128008,128009],"vocab_size":128256,"type":"llama",
              "decoder":{"filename":"model.onnx","head_size":64,"hidden_size":2048,"num_attention_heads":32,"num_hidden_layers":16,"num_key_value_heads":8}},
             "search":{"past_present_share_buffer":true,"max_length":131072}}
            """);
        File.WriteAllText(Path.Combine(_dir, "model.onnx"), "x");
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), "{}");
        var c = ModelDirectory.Load(_dir, contextCap: 1024);
        Assert.Equal(KvCacheMode.SharedBuffer, c.KvCache);
        Assert.Equal(1024, c.ContextLength);
        Assert.Equal(4096, ModelDirectory.Load(_dir).ContextLength); // never a 128k-token cache by default
        Assert.Equal(16, c.NumLayers);
        Assert.Equal(8, c.NumKeyValueHeads);
        Assert.Equal(64, c.HeadDim);
        Assert.Equal(3, c.EosTokenIds.Count);
    }

    [Fact]
    public void A_missing_external_data_file_is_named()
    {
        foreach (var f in Directory.GetFiles(tiny.OnnxDirectory))
        {
            File.Copy(f, Path.Combine(_dir, Path.GetFileName(f)));
        }

        var configPath = Path.Combine(_dir, ModelDirectoryLayout.ConfigFile);
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"external_data_file\": null", "\"external_data_file\": \"model.onnx.data\"", StringComparison.Ordinal));
        var ex = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load(_dir));
        Assert.Equal(ModelLoadFailure.Model, ex.Failure);
        Assert.Contains(Path.Combine(_dir, "model.onnx.data"), ex.Message);
    }

    /// <summary>A Hugging Face byte-level tokenizer.json (what real Llama 3.2 exports ship) encodes like the tiktoken file.</summary>
    [Fact]
    public void Hugging_face_tokenizer_json_matches_the_tiktoken_file()
    {
        var modelFile = Path.Combine(tiny.OnnxDirectory, "tokenizer.model");
        var jsonFile = Path.Combine(_dir, "tokenizer.json");
        WriteTokenizerJson(modelFile, jsonFile);
        var a = Llama3Tokenizer.Load(modelFile);
        var b = Llama3Tokenizer.Load(jsonFile);
        Assert.Equal(a.BaseVocabularySize, b.BaseVocabularySize);
        foreach (var text in (string[])["Hello, world!", "  leading spaces and\nnewlines\n\n", "Ünïcödé 日本語 12345 don't"])
        {
            Assert.Equal(a.EncodePrompt(text), b.EncodePrompt(text));
            Assert.Equal(text, b.Decode(b.EncodePrompt(text)));
        }
    }

    /// <summary>Writes <paramref name="tiktokenFile"/> as a Hugging Face byte-level BPE tokenizer.json, Llama 3 specials as added_tokens.</summary>
    internal static void WriteTokenizerJson(string tiktokenFile, string jsonFile)
    {
        var byteToChar = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            byteToChar[b] = printable ? (char)b : (char)(256 + n++);
        }
        using var fs = File.Create(jsonFile);
        using var w = new Utf8JsonWriter(fs);
        w.WriteStartObject();
        w.WriteStartArray("added_tokens");
        foreach (var (token, id) in Llama3SpecialTokens.ByName)
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("content", token);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteStartObject("vocab");
        var sb = new StringBuilder();
        foreach (var line in File.ReadLines(tiktokenFile))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(' ');
            sb.Clear();
            foreach (var b in Convert.FromBase64String(parts[0]))
            {
                sb.Append(byteToChar[b]);
            }

            w.WriteNumber(sb.ToString(), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        w.WriteEndObject();
        w.WriteStartArray("merges");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
