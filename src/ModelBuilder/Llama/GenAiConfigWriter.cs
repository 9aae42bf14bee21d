using System.Text.Json;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>
/// Writes genai_config.json, the file ONNX Runtime GenAI reads, for a single-file model: our graphs already use its names
/// (input_ids, attention_mask, position_ids, past_key_values.N.key/value, present.N.key/value, logits) and its shared KV
/// buffer, so with this file (and tokenizer.json) GenAI's own generator loop runs the very model directory the function does.
/// A split model (--sessions N) gets none: GenAI reads one decoder file.
/// </summary>
internal static class GenAiConfigWriter
{
    public static byte[] Serialize(LlamaDims d, ModelVariant v)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("model");
            w.WriteString("type", "llama");
            w.WriteNumber("bos_token_id", Llama3SpecialTokens.BeginOfText);
            w.WriteStartArray("eos_token_id");
            foreach (var id in Llama3SpecialTokens.EndOfSequenceIds)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            w.WriteNumber("pad_token_id", Llama3SpecialTokens.EndOfText);
            w.WriteNumber("vocab_size", d.VocabSize);
            w.WriteNumber("context_length", d.ContextLength);
            w.WriteStartObject("decoder");
            w.WriteString("filename", v.ModelFile);
            w.WriteStartObject("session_options");
            w.WriteString("log_id", "onnxruntime-genai");
            w.WriteStartArray("provider_options");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNumber("head_size", d.HeadDim);
            w.WriteNumber("hidden_size", d.HiddenSize);
            w.WriteNumber("num_attention_heads", d.Heads);
            w.WriteNumber("num_hidden_layers", d.Layers);
            w.WriteNumber("num_key_value_heads", d.KvHeads);
            w.WriteStartObject("inputs");
            w.WriteString("input_ids", LlamaGraphBuilder.InputIds);
            w.WriteString("attention_mask", LlamaGraphBuilder.AttentionMask);
            w.WriteString("position_ids", LlamaGraphBuilder.PositionIds);
            w.WriteString("past_key_names", LlamaGraphBuilder.PastKey(0).Replace(".0.", ".%d.", StringComparison.Ordinal));
            w.WriteString("past_value_names", LlamaGraphBuilder.PastValue(0).Replace(".0.", ".%d.", StringComparison.Ordinal));
            w.WriteEndObject();
            w.WriteStartObject("outputs");
            w.WriteString("logits", LlamaGraphBuilder.Logits);
            w.WriteString("present_key_names", LlamaGraphBuilder.PresentKey(0).Replace(".0.", ".%d.", StringComparison.Ordinal));
            w.WriteString("present_value_names", LlamaGraphBuilder.PresentValue(0).Replace(".0.", ".%d.", StringComparison.Ordinal));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();

            // Greedy by default, like the function's native API; the KV buffer is the graph's fixed context length.
            w.WriteStartObject("search");
            w.WriteBoolean("do_sample", false);
            w.WriteNumber("max_length", d.ContextLength);
            w.WriteNumber("min_length", 0);
            w.WriteNumber("num_beams", 1);
            w.WriteNumber("num_return_sequences", 1);
            w.WriteBoolean("past_present_share_buffer", true);
            w.WriteNumber("repetition_penalty", 1.0);
            w.WriteNumber("temperature", 1.0);
            w.WriteNumber("top_k", 1);
            w.WriteNumber("top_p", 1.0);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
