using System.Text;
using LlamaAspire.InferenceFunction.Inference;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>
/// The growing-KV path (transformers.js / Optimum exports: past [1,kv,P,hd] in, present [1,kv,P+S,hd] out) on a hand-written
/// ONNX graph: present = Concat(past, emb(ids)); logits[t] = Eᵀ·Σ_{j≤t} emb(id_j). Right only if every step feeds the previous
/// step's present back as past.
/// </summary>
[Collection(TinyModelCollection.Name)]
public sealed class GrowingModeTests(TinyModelFixture tiny) : IDisposable
{
    const int Vocab = 16, Dim = 4;
    readonly string _dir = TestPaths.NewTempDirectory("llama-growing");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static float Emb(int token, int d) => MathF.Sin(token * 1.7f + d * 0.3f) + 0.1f * d;

    [Fact]
    public void Growing_cache_decode_matches_full_recomputation_and_the_reference()
    {
        File.WriteAllBytes(Path.Combine(_dir, "model.onnx"), ToyGrowingModel());
        File.Copy(Path.Combine(tiny.OnnxDirectory, "tokenizer.model"), Path.Combine(_dir, "tokenizer.model"));
        File.WriteAllText(Path.Combine(_dir, "config.json"), $$$"""
            {"model_type":"llama","hidden_size":{{{Dim}}},"num_hidden_layers":1,"num_attention_heads":1,"num_key_value_heads":1,"head_dim":{{{Dim}}},
             "vocab_size":{{{Vocab}}},"max_position_embeddings":131072,"bos_token_id":1,"eos_token_id":0,
             "llamaaspire":{"kv_cache":"growing","context_length":64,"model_file":"model.onnx","tokenizer_file":"tokenizer.model"}}
            """);
        TinyModelFixture.Load(_dir, out var runner);
        using (runner)
        {
            Assert.False(runner.SharedBuffer);
            var tokens = new List<int> { 1, 5, 9 };
            runner.Reset();
            runner.Forward(tokens.ToArray());
            var first = Reference(tokens);
            for (int v = 0; v < Vocab; v++)
            {
                Assert.Equal(first[v], runner.LastLogits[v], 3);
            }

            var cached = new List<float[]>();
            for (int step = 0; step < 10; step++)
            {
                int next = (Sampler.ArgMax(runner.LastLogits) + step) % Vocab;
                tokens.Add(next);
                runner.Forward([next]);
                cached.Add(runner.LastLogits.ToArray());
                Assert.Equal(tokens.Count, runner.Position);
            }
            for (int step = 0; step < cached.Count; step++)
            {
                var prefix = tokens.Take(tokens.Count - cached.Count + step + 1).ToList();
                var expected = Reference(prefix);
                for (int v = 0; v < Vocab; v++)
                {
                    Assert.Equal(expected[v], cached[step][v], 3);
                }

                runner.Reset();
                runner.Forward(prefix.ToArray());
                for (int v = 0; v < Vocab; v++)
                {
                    Assert.Equal(runner.LastLogits[v], cached[step][v], 4);
                }
            }
        }
    }

    static float[] Reference(IReadOnlyList<int> tokens)
    {
        var h = new float[Dim];
        foreach (var t in tokens)
        {
            for (int d = 0; d < Dim; d++)
            {
                h[d] += Emb(t, d);
            }
        }

        var logits = new float[Vocab];
        for (int v = 0; v < Vocab; v++)
        {
            for (int d = 0; d < Dim; d++)
            {
                logits[v] += Emb(v, d) * h[d];
            }
        }

        return logits;
    }

    // ---- a minimal ONNX (protobuf) writer -----------------------------------------------------------------------------

    static byte[] ToyGrowingModel()
    {
        var emb = new float[Vocab * Dim];
        var embT = new float[Dim * Vocab];
        for (int v = 0; v < Vocab; v++)
        {
            for (int d = 0; d < Dim; d++) { emb[v * Dim + d] = Emb(v, d); embT[d * Vocab + v] = Emb(v, d); }
        }

        var graph = new Proto();
        void Node(string op, string[] inputs, string[] outputs, params (string Name, long Value)[] attrs)
        {
            var n = new Proto();
            foreach (var i in inputs)
            {
                n.String(1, i);
            }

            foreach (var o in outputs)
            {
                n.String(2, o);
            }

            n.String(3, outputs[0] + "_node");
            n.String(4, op);
            foreach (var (name, value) in attrs)
            {
                n.Message(5, new Proto().String(1, name).Varint(3, value).Varint(20, 2));
            }

            graph.Message(1, n);
        }
        Node("Gather", ["emb", "input_ids"], ["x"]);                                    // [1,S,D]
        Node("Unsqueeze", ["x", "axis1"], ["k"]);                                        // [1,1,S,D]
        Node("Concat", ["past_key_values.0.key", "k"], ["present.0.key"], ("axis", 2));  // [1,1,T,D]
        Node("Concat", ["past_key_values.0.value", "k"], ["present.0.value"], ("axis", 2));
        Node("CumSum", ["present.0.key", "axis2"], ["cum"]);                             // Σ over the sequence
        Node("Shape", ["past_key_values.0.key"], ["past_len"], ("start", 2), ("end", 3));
        Node("Slice", ["cum", "past_len", "big", "axes2"], ["h"]);                      // the S new positions
        Node("Squeeze", ["h", "axis1"], ["h3"]);                                         // [1,S,D]
        Node("MatMul", ["h3", "embT"], ["logits"]);                                      // [1,S,V]
        graph.String(2, "toy_growing");
        graph.Message(5, Tensor("emb", 1, [Vocab, Dim], Floats(emb)));
        graph.Message(5, Tensor("embT", 1, [Dim, Vocab], Floats(embT)));
        graph.Message(5, Tensor("axis1", 7, [1], Longs([1])));
        graph.Message(5, Tensor("axis2", 7, [], Longs([2])));
        graph.Message(5, Tensor("axes2", 7, [1], Longs([2])));
        graph.Message(5, Tensor("big", 7, [1], Longs([long.MaxValue])));
        graph.Message(11, Value("input_ids", 7, [1, null], ["batch", "seq"]));
        graph.Message(11, Value("attention_mask", 7, [1, null], ["batch", "total"]));
        graph.Message(11, Value("position_ids", 7, [1, null], ["batch", "seq"]));
        graph.Message(11, Value("past_key_values.0.key", 1, [1, 1, null, Dim], ["b", "h", "past", "d"]));
        graph.Message(11, Value("past_key_values.0.value", 1, [1, 1, null, Dim], ["b", "h", "past", "d"]));
        graph.Message(12, Value("logits", 1, [1, null, Vocab], ["b", "seq", "v"]));
        graph.Message(12, Value("present.0.key", 1, [1, 1, null, Dim], ["b", "h", "total", "d"]));
        graph.Message(12, Value("present.0.value", 1, [1, 1, null, Dim], ["b", "h", "total", "d"]));

        var model = new Proto().Varint(1, 8).Message(8, new Proto().String(1, "").Varint(2, 17)).Message(7, graph);
        return model.ToArray();
    }

    static byte[] Floats(float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];
    static byte[] Longs(long[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    static Proto Tensor(string name, int type, long[] dims, byte[] raw)
    {
        var t = new Proto();
        foreach (var d in dims)
        {
            t.Varint(1, d);
        }

        t.Varint(2, type).String(8, name).Bytes(9, raw);
        return t;
    }

    static Proto Value(string name, int type, long?[] dims, string[] names)
    {
        var shape = new Proto();
        for (int i = 0; i < dims.Length; i++)
        {
            shape.Message(1, dims[i] is long v ? new Proto().Varint(1, v) : new Proto().String(2, names[i]));
        }

        var tensorType = new Proto().Varint(1, type).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    sealed class Proto
    {
        readonly List<byte> _s = [];

        void Raw(ulong v)
        {
            while (v >= 0x80) { _s.Add((byte)(v | 0x80)); v >>= 7; }
            _s.Add((byte)v);
        }

        public Proto Varint(int field, long value) { Raw((ulong)(field << 3)); Raw(unchecked((ulong)value)); return this; }
        public Proto Bytes(int field, byte[] value) { Raw((ulong)((field << 3) | 2)); Raw((ulong)value.Length); _s.AddRange(value); return this; }
        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public Proto Message(int field, Proto value) => Bytes(field, value.ToArray());
        public byte[] ToArray() => _s.ToArray();
    }
}
