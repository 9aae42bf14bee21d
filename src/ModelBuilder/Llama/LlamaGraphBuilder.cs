using LlamaAspire.ModelBuilder.Onnx;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>
/// Builds the Llama-3.2 decoder graph with ONNX Runtime contrib ops (what the ORT GenAI builder emits for cpu-int4):
/// embedding → per layer [RMSNorm, MatMulNBits QKV, GroupQueryAttention (rotary inside, BNSH shared-buffer KV cache),
/// MatMulNBits o_proj, SkipSimplifiedLayerNormalization, SwiGLU MLP] → final norm → tied int4 LM head.
/// </summary>
internal static class LlamaGraphBuilder
{
    public const string InputIds = "input_ids", AttentionMask = "attention_mask", PositionIds = "position_ids", Logits = "logits";

    public static string PastKey(int layer) => $"past_key_values.{layer}.key";

    public static string PastValue(int layer) => $"past_key_values.{layer}.value";

    public static string PresentKey(int layer) => $"present.{layer}.key";

    public static string PresentValue(int layer) => $"present.{layer}.value";

    /// <summary>The residual stream entering <paramref name="layer"/>: output of one session part, input of the next.</summary>
    public static string HiddenStates(int layer) => $"hidden_states.{layer}";

    /// <summary>
    /// Splits the layers into <paramref name="parts"/> contiguous ranges of about equal MatMulNBits weight (what ONNX Runtime
    /// pre-packs, serially, at session creation), the LM head counting with the last part.
    /// </summary>
    public static (int First, int End)[] SplitLayers(LlamaDims d, int parts)
    {
        double layer = (double)d.QkvSize * d.HiddenSize + (double)d.HiddenSize * d.Heads * d.HeadDim + 3.0 * d.IntermediateSize * d.HiddenSize;
        double head = (double)d.VocabSize * d.HiddenSize / layer;  // in layers
        var ranges = new List<(int, int)>();
        int first = 0;
        for (var p = 0; p < parts; p++)
        {
            var remaining = parts - p;
            var end = p == parts - 1 ? d.Layers : first + (int)Math.Round((d.Layers - first + head) / remaining);
            end = Math.Clamp(end, first + 1, d.Layers - (parts - p - 1));
            ranges.Add((first, end));
            first = end;
        }

        return [.. ranges];
    }

    public static OnnxGraph Build(LlamaDims d, ulong seed) => Build(d, seed, 0, d.Layers);

    /// <summary>
    /// Layers [<paramref name="firstLayer"/>, <paramref name="endLayer"/>) as one graph. The first part takes input_ids and embeds;
    /// a later part takes <see cref="HiddenStates"/>(firstLayer) instead. The last part ends in the final norm and LM head; an
    /// earlier one outputs <see cref="HiddenStates"/>(endLayer). Weights are seeded by name, so the parts together compute
    /// the same model as the whole graph.
    /// </summary>
    public static OnnxGraph Build(LlamaDims d, ulong seed, int firstLayer, int endLayer)
    {
        var g = new OnnxGraph("llama");
        bool isFirst = firstLayer == 0, isLast = endLayer == d.Layers;
        const string batch = "batch_size", seq = "sequence_length", total = "total_sequence_length";
        if (isFirst)
        {
            g.Inputs.Add(new ValueInfo(InputIds, OnnxDataType.Int64, [batch, seq]));
        }
        else
        {
            g.Inputs.Add(new ValueInfo(HiddenStates(firstLayer), OnnxDataType.Float, [batch, seq, d.HiddenSize]));
        }

        g.Inputs.Add(new ValueInfo(AttentionMask, OnnxDataType.Int64, [batch, total]));
        if (isFirst)
        {
            g.Inputs.Add(new ValueInfo(PositionIds, OnnxDataType.Int64, [batch, seq]));
        }

        for (var i = firstLayer; i < endLayer; i++)
        {
            g.Inputs.Add(new ValueInfo(PastKey(i), OnnxDataType.Float, [batch, d.KvHeads, d.ContextLength, d.HeadDim]));
            g.Inputs.Add(new ValueInfo(PastValue(i), OnnxDataType.Float, [batch, d.KvHeads, d.ContextLength, d.HeadDim]));
        }

        g.Outputs.Add(isLast
            ? new ValueInfo(Logits, OnnxDataType.Float, d.LastPositionLogits ? [batch, 1, d.VocabSize] : [batch, seq, d.VocabSize])
            : new ValueInfo(HiddenStates(endLayer), OnnxDataType.Float, [batch, seq, d.HiddenSize]));
        for (var i = firstLayer; i < endLayer; i++)
        {
            g.Outputs.Add(new ValueInfo(PresentKey(i), OnnxDataType.Float, [batch, d.KvHeads, d.ContextLength, d.HeadDim]));
            g.Outputs.Add(new ValueInfo(PresentValue(i), OnnxDataType.Float, [batch, d.KvHeads, d.ContextLength, d.HeadDim]));
        }

        // seqlens_k = sum(attention_mask) - 1 (int32 [B]); total_sequence_length = attention_mask.shape[1] (int32 scalar).
        g.Node("ReduceSum", "mask_sum", [AttentionMask, g.Int64Vector("const_axes_1", 1)], ["mask_sum"], attributes: Attr.Int("keepdims", 0));
        g.Node("Sub", "mask_sub", ["mask_sum", g.Int64Constant("const_one", 1)], ["mask_sum_minus_one"]);
        g.Node("Cast", "seqlens_k", ["mask_sum_minus_one"], ["seqlens_k"], attributes: Attr.Int("to", (long)OnnxDataType.Int32));
        g.Node("Shape", "mask_shape", [AttentionMask], ["mask_shape"]);
        g.Node("Gather", "mask_total", ["mask_shape", g.Int64Constant("const_index_1", 1)], ["total_len_i64"], attributes: Attr.Int("axis", 0));
        g.Node("Cast", "total_seq_len", ["total_len_i64"], ["total_seq_len"], attributes: Attr.Int("to", (long)OnnxDataType.Int32));

        var (cos, sin) = RopeCache.Build(d.ContextLength, d.HeadDim);
        g.Initializer(SmallTensors.Floats("cos_cache", [d.ContextLength, d.HeadDim / 2], cos));
        g.Initializer(SmallTensors.Floats("sin_cache", [d.ContextLength, d.HeadDim / 2], sin));

        // Embedding, tied to the LM head: one seeded int4 tensor; fp32 embeddings are its exact dequantisation.
        var embed = new Int4Weight("model.embed_tokens", d.VocabSize, d.HiddenSize, gain: 3f, seed);
        string hidden;
        if (!isFirst)
        {
            // nothing to embed: the residual stream comes in
        }
        else if (d.Embedding == EmbeddingKind.Fp32)
        {
            g.Initializer(embed.Dequantized("model.embed_tokens.weight"));
            g.Node("Gather", "embed_tokens", ["model.embed_tokens.weight", InputIds], ["embeddings"], attributes: Attr.Int("axis", 0));
        }
        else
        {
            if (!isLast)
            {
                // The LM head (whose bytes the int4 embedding reads) lives in the last part: this part gets its own copy.
                g.Initializer(embed.Data("lm_head.MatMul.weight_Q4"));
                g.Initializer(embed.Scales("lm_head.MatMul.weight_scales"));
            }

            // GatherBlockQuantized reads the LM head's bytes through a free reshape [V, H/32, 16] → [V, H/2].
            g.Node("Reshape", "embed_reshape", ["lm_head.MatMul.weight_Q4", g.Int64Vector("const_embed_shape", d.VocabSize, d.HiddenSize / 2)], ["embed_q4_flat"]);
            g.Node("GatherBlockQuantized", "embed_tokens", ["embed_q4_flat", InputIds, "lm_head.MatMul.weight_scales"], ["embeddings"], OnnxGraph.MsDomain,
                Attr.Int("gather_axis", 0), Attr.Int("quantize_axis", 1), Attr.Int("block_size", LlamaDims.BlockSize), Attr.Int("bits", 4));
        }

        hidden = isFirst ? "embeddings" : HiddenStates(firstLayer);
        var firstNorm = $"model.layers.{firstLayer}.input_layernorm.weight";
        g.Initializer(SmallTensors.NormWeight(firstNorm, d.HiddenSize, seed));
        g.Node("SimplifiedLayerNormalization", $"layers.{firstLayer}.input_layernorm", [hidden, firstNorm], [$"layers.{firstLayer}.attn_in"],
            attributes: [Attr.Int("axis", -1), Attr.Float("epsilon", (float)LlamaDims.RmsNormEps), Attr.Int("stash_type", 1)]);
        var normed = $"layers.{firstLayer}.attn_in";

        for (var i = firstLayer; i < endLayer; i++)
        {
            var p = $"model.layers.{i}";
            var qkv = MatMul(g, d, $"{p}.attn.qkv_proj", normed, d.QkvSize, d.HiddenSize, 1f, seed);
            g.Node("GroupQueryAttention", $"layers.{i}.attn", [qkv, "", "", PastKey(i), PastValue(i), "seqlens_k", "total_seq_len", "cos_cache", "sin_cache"],
                [$"layers.{i}.attn_out", PresentKey(i), PresentValue(i)], OnnxGraph.MsDomain,
                Attr.Int("num_heads", d.Heads), Attr.Int("kv_num_heads", d.KvHeads), Attr.Int("do_rotary", 1), Attr.Int("rotary_interleaved", 0),
                Attr.Float("scale", 1f / MathF.Sqrt(d.HeadDim)));
            var o = MatMul(g, d, $"{p}.attn.o_proj", $"layers.{i}.attn_out", d.HiddenSize, d.Heads * d.HeadDim, 1f, seed);

            g.Initializer(SmallTensors.NormWeight($"{p}.post_attention_layernorm.weight", d.HiddenSize, seed));
            g.Node("SkipSimplifiedLayerNormalization", $"layers.{i}.post_attention_layernorm", [o, hidden, $"{p}.post_attention_layernorm.weight"],
                [$"layers.{i}.mlp_in", "", "", $"layers.{i}.residual_attn"], OnnxGraph.MsDomain, Attr.Float("epsilon", (float)LlamaDims.RmsNormEps));
            hidden = $"layers.{i}.residual_attn";

            var gate = MatMul(g, d, $"{p}.mlp.gate_proj", $"layers.{i}.mlp_in", d.IntermediateSize, d.HiddenSize, 1f, seed);
            var up = MatMul(g, d, $"{p}.mlp.up_proj", $"layers.{i}.mlp_in", d.IntermediateSize, d.HiddenSize, 1f, seed);
            g.Node("Sigmoid", $"layers.{i}.mlp.act.sigmoid", [gate], [$"layers.{i}.gate_sigmoid"]);
            g.Node("Mul", $"layers.{i}.mlp.act.silu", [gate, $"layers.{i}.gate_sigmoid"], [$"layers.{i}.gate_silu"]);
            g.Node("Mul", $"layers.{i}.mlp.act.mul", [$"layers.{i}.gate_silu", up], [$"layers.{i}.mlp_act"]);
            var down = MatMul(g, d, $"{p}.mlp.down_proj", $"layers.{i}.mlp_act", d.HiddenSize, d.IntermediateSize, 1f, seed);

            if (i == endLayer - 1 && !isLast)
            {
                // Part boundary: hand the residual stream on; the next part norms it (as layer 0 norms the embeddings).
                g.Node("Add", $"layers.{i}.residual_out", [down, hidden], [HiddenStates(endLayer)]);
                return g;
            }

            var last = i == d.Layers - 1;
            var normName = last ? "model.norm.weight" : $"model.layers.{i + 1}.input_layernorm.weight";
            g.Initializer(SmallTensors.NormWeight(normName, d.HiddenSize, seed));
            normed = last ? "final_norm_out" : $"layers.{i + 1}.attn_in";
            g.Node("SkipSimplifiedLayerNormalization", last ? "final_norm" : $"layers.{i + 1}.input_layernorm", [down, hidden, normName],
                [normed, "", "", $"layers.{i}.residual_mlp"], OnnxGraph.MsDomain, Attr.Float("epsilon", (float)LlamaDims.RmsNormEps));
            hidden = $"layers.{i}.residual_mlp";
        }

        if (d.LastPositionLogits)
        {
            // Only the last position's logits are ever read: over a 128-token prompt the LM head is about a fifth of prefill.
            g.Node("Slice", "last_position", [normed, g.Int64Vector("const_last_start", -1), g.Int64Vector("const_last_end", long.MaxValue),
                g.Int64Vector("const_last_axis", 1)], ["final_norm_last"]);
            normed = "final_norm_last";
        }

        g.Initializer(embed.Data("lm_head.MatMul.weight_Q4"));
        g.Initializer(embed.Scales("lm_head.MatMul.weight_scales"));
        g.Node("MatMulNBits", "lm_head.MatMul", [normed, "lm_head.MatMul.weight_Q4", "lm_head.MatMul.weight_scales"], [Logits], OnnxGraph.MsDomain,
            NBitsAttrs(d.VocabSize, d.HiddenSize, d.AccuracyLevel));
        return g;
    }

    private static string MatMul(OnnxGraph g, LlamaDims d, string name, string input, int n, int k, float gain, ulong seed)
    {
        var w = new Int4Weight(name, n, k, gain, seed);
        g.Initializer(w.Data($"{name}.MatMul.weight_Q4"));
        g.Initializer(w.Scales($"{name}.MatMul.weight_scales"));
        var output = $"{name}.out";
        g.Node("MatMulNBits", $"{name}.MatMul", [input, $"{name}.MatMul.weight_Q4", $"{name}.MatMul.weight_scales"], [output], OnnxGraph.MsDomain,
            NBitsAttrs(n, k, d.AccuracyLevel));
        return output;
    }

    private static Attr[] NBitsAttrs(int n, int k, int accuracyLevel) =>
    [
        Attr.Int("K", k), Attr.Int("N", n), Attr.Int("bits", 4), Attr.Int("block_size", LlamaDims.BlockSize), Attr.Int("accuracy_level", accuracyLevel),
    ];
}
