using System.Text.Json;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>Writes config.json per Contract 1: Hugging Face LlamaConfig fields plus the `llamaaspire` object.</summary>
internal static class ModelConfigWriter
{
    /// <param name="d">The model's dimensions.</param>
    /// <param name="preset">The preset it was built from.</param>
    /// <param name="seed">The weights' seed.</param>
    /// <param name="v">The variant written.</param>
    /// <param name="prepackedFor">For saved pre-packs: the ONNX Runtime and CPU they are valid for (the loader checks it).</param>
    public static byte[] Serialize(LlamaDims d, string preset, ulong seed, ModelVariant v, PrepackTarget? prepackedFor = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("architectures");
            w.WriteStringValue("LlamaForCausalLM");
            w.WriteEndArray();
            w.WriteString("model_type", "llama");
            w.WriteNumber("hidden_size", d.HiddenSize);
            w.WriteNumber("intermediate_size", d.IntermediateSize);
            w.WriteNumber("num_hidden_layers", d.Layers);
            w.WriteNumber("num_attention_heads", d.Heads);
            w.WriteNumber("num_key_value_heads", d.KvHeads);
            w.WriteNumber("head_dim", d.HeadDim);
            w.WriteNumber("vocab_size", d.VocabSize);
            w.WriteString("hidden_act", "silu");
            w.WriteNumber("rms_norm_eps", LlamaDims.RmsNormEps);
            w.WriteNumber("rope_theta", LlamaDims.RopeTheta);
            w.WriteStartObject("rope_scaling");
            w.WriteString("rope_type", "llama3");
            w.WriteNumber("factor", LlamaDims.RopeFactor);
            w.WriteNumber("low_freq_factor", LlamaDims.RopeLowFreqFactor);
            w.WriteNumber("high_freq_factor", LlamaDims.RopeHighFreqFactor);
            w.WriteNumber("original_max_position_embeddings", LlamaDims.RopeOriginalMaxPositions);
            w.WriteEndObject();
            w.WriteNumber("max_position_embeddings", LlamaDims.MaxPositionEmbeddings);
            w.WriteNumber("bos_token_id", Llama3SpecialTokens.BeginOfText);
            w.WriteStartArray("eos_token_id");
            foreach (var id in Llama3SpecialTokens.EndOfSequenceIds)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            w.WriteBoolean("tie_word_embeddings", true);
            w.WriteString("torch_dtype", "float32");

            w.WriteStartObject("llamaaspire");
            w.WriteNumber("context_length", d.ContextLength);
            w.WriteString("kv_cache", "shared-buffer");
            w.WriteString("preset", preset);
            w.WriteNumber("seed", seed);
            w.WriteBoolean("synthetic", true);
            w.WriteString("model_file", v.ModelFile);
            if (v.Sessions > 1)
            {
                // One session per file, created in parallel, run in this order; each file's external data is file + ".data".
                WriteStrings(w, "model_files", v.ModelFiles);
            }

            w.WriteString("tokenizer_file", ModelDirectoryLayout.TiktokenFile);
            w.WriteString("format", v.Format == ModelFormat.Ort ? "ort" : "onnx");
            w.WriteBoolean("optimized", v.Optimized || v.Format == ModelFormat.Ort);
            w.WriteBoolean("prepacked", v.Prepacked);
            if (prepackedFor is not null)
            {
                w.WriteStartObject("prepacked_for");
                w.WriteString("onnxruntime", prepackedFor.OnnxRuntimeVersion);
                w.WriteString("architecture", prepackedFor.Architecture);
                WriteStrings(w, "cpu_features", prepackedFor.CpuFeatures);
                w.WriteEndObject();
            }

            if (v.ExternalDataFile is { } data)
            {
                w.WriteString("external_data_file", data);
            }
            else
            {
                w.WriteNull("external_data_file");
            }

            w.WriteString("embedding", d.Embedding == EmbeddingKind.Fp32 ? "fp32" : "int4");
            w.WriteString("logits", d.LastPositionLogits ? "last-position" : "all-positions");
            w.WriteStartObject("quantization");
            w.WriteString("method", "MatMulNBits");
            w.WriteNumber("bits", 4);
            w.WriteNumber("block_size", LlamaDims.BlockSize);
            w.WriteNumber("accuracy_level", d.AccuracyLevel);
            w.WriteBoolean("zero_points", false);
            w.WriteEndObject();
            w.WriteStartObject("session_options");
            w.WriteString("graph_optimization_level", v.LoadOptimizationLevel);
            WriteMap(w, "config_entries", v.LoadConfigEntries);
            WriteMap(w, "zero_copy_config_entries", v.ZeroCopyConfigEntries);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, val) in map)
        {
            w.WriteString(k, val);
        }

        w.WriteEndObject();
    }
}
