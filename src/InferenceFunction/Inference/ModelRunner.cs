using System.Runtime.InteropServices;
using LlamaAspire.LlamaModel;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LlamaAspire.InferenceFunction.Inference;

/// <summary>
/// Runs the decoder one forward pass at a time over an IO binding that is set up once per process.
/// <para><b>shared-buffer</b> (models we build, ORT GenAI exports): each <c>past_key_values.i.*</c> input and its
/// <c>present.i.*</c> output are bound to the same preallocated OrtValue [1, kv, C, hd], so GroupQueryAttention writes the
/// cache in place. input_ids / position_ids / attention_mask live in pinned buffers allocated once; the decode step's
/// [1,1] tensors and logits [1,1,V] are OrtValues created once; the attention-mask views [1,T] over the all-ones buffer are
/// created the first time a length T is reached and reused by every later request. After the first request a decode step
/// allocates no OrtValue and no buffer (the only managed garbage is the 40-byte UTF-8 copy of "attention_mask" that ORT's
/// C# BindInput makes). Prefill allocates its [1,S] views and, unless the graph computes the last position's logits only, its
/// [1,S,V] logits once per request.</para>
/// <para><b>growing</b> (transformers.js / Optimum exports): past is [1, kv, P, hd] and present [1, kv, P+S, hd], so ORT
/// allocates the present outputs each step and they become the next step's past. That per-token allocation is inherent
/// to those graphs and accepted there.</para>
/// <para><b>parts</b> (builder <c>--sessions N</c>): the decoder is N sessions over contiguous layer ranges, created in parallel
/// (ORT pre-packs MatMulNBits weights serially inside one session). They run in a chain per forward pass: each part's
/// <c>hidden_states.L</c> output is bound to the same OrtValue as the next part's input ([1,1,H] once for decode steps,
/// [1,S,H] per prefill); every part reads attention_mask and owns the KV buffers of its layers.</para>
/// </summary>
public sealed class ModelRunner : IDisposable
{
    readonly InferenceSession[] _sessions;
    readonly ModelConfig _config;
    readonly OrtIoBinding[] _bindings;
    readonly OrtIoBinding _binding;               // first part: input_ids, position_ids
    readonly OrtIoBinding _lastBinding;           // last part: logits
    readonly string[] _hiddenNames;               // boundary b: output of part b, input of part b+1
    readonly OrtValue[] _stepHidden;              // [1,1,H] per boundary
    readonly int[] _hiddenSizes;
    readonly RunOptions _runOptions = new();
    readonly OrtMemoryInfo _cpu = OrtMemoryInfo.DefaultInstance;
    readonly int _context;
    readonly int _vocab;
    readonly bool _hasPositionIds;
    readonly string[] _pastNames, _presentNames;
    readonly TensorElementType _kvType, _logitsType;
    readonly bool _lastPositionLogits;
    readonly long[] _ids, _positions, _mask;     // pinned (POH), length C
    readonly OrtValue _stepIds, _stepPositions;   // [1,1] views of _ids[0], _positions[0]
    readonly OrtValue?[] _maskViews;              // [1,T] views over _mask, by T
    readonly OrtValue _stepLogits;                // [1,1,V]
    readonly float[] _logits;                     // last-position logits (float32 view or converted)
    readonly OrtValue[] _kv;                      // shared-buffer: 2 per layer; growing: current past values
    readonly byte[]? _modelBytes;                 // ORT-format bytes the session points into when not memory-mapped
    bool _stepInputsBound;

    /// <param name="modelBytes">The pinned array an ORT-format session was created from (use_ort_model_bytes_directly): kept alive here.</param>
    public ModelRunner(InferenceSession session, ModelConfig config, byte[]? modelBytes = null)
        : this([session], config, modelBytes)
    {
    }

    /// <param name="sessions">One session, or the parts of a split model in chain order.</param>
    public ModelRunner(IReadOnlyList<InferenceSession> sessions, ModelConfig config, byte[]? modelBytes = null)
    {
        if (sessions.Count == 0)
        {
            throw new ArgumentException("No session.", nameof(sessions));
        }

        _sessions = [.. sessions];
        _modelBytes = modelBytes;
        _config = config;
        _context = config.ContextLength;
        _vocab = config.VocabSize;
        int layers = config.NumLayers;
        var first = _sessions[0];
        var lastSession = _sessions[^1];
        var inputs = first.InputMetadata;
        if (!inputs.ContainsKey("input_ids"))
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}' has no 'input_ids' input (inputs: {string.Join(", ", inputs.Keys)}).");
        }

        foreach (var s in _sessions)
        {
            if (!s.InputMetadata.ContainsKey("attention_mask"))
            {
                throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}' has no 'attention_mask' input (inputs: {string.Join(", ", s.InputMetadata.Keys)}).");
            }
        }

        if (!lastSession.OutputMetadata.TryGetValue("logits", out var logitsMeta))
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}' has no 'logits' output.");
        }

        if (_sessions.Length > 1 && config.KvCache != KvCacheMode.SharedBuffer)
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}': a model split into sessions needs the shared-buffer KV cache.");
        }

        _logitsType = logitsMeta.ElementDataType;
        // [batch, 1, vocab]: the graph runs the LM head on the last position only (builder --prefill-logits last), so prefill
        // writes into the same [1,1,V] buffer a decode step does. Exports have a symbolic sequence dimension (-1) here.
        _lastPositionLogits = logitsMeta.Dimensions is [_, 1, _];
        if (_logitsType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}': logits are {_logitsType}; float32 or float16 expected.");
        }

        _hasPositionIds = inputs.ContainsKey("position_ids");

        _pastNames = new string[2 * layers];
        _presentNames = new string[2 * layers];
        for (int i = 0; i < layers; i++)
        {
            _pastNames[2 * i] = $"past_key_values.{i}.key";
            _pastNames[2 * i + 1] = $"past_key_values.{i}.value";
            _presentNames[2 * i] = $"present.{i}.key";
            _presentNames[2 * i + 1] = $"present.{i}.value";
        }
        var owner = new int[_pastNames.Length];
        for (int i = 0; i < _pastNames.Length; i++)
        {
            owner[i] = Array.FindIndex(_sessions, s => s.InputMetadata.ContainsKey(_pastNames[i]));
            if (owner[i] < 0)
            {
                throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}' has no '{_pastNames[i]}' input but config.json says {layers} layers.");
            }
        }
        var kvMeta = _sessions[owner[0]].InputMetadata[_pastNames[0]];
        _kvType = kvMeta.ElementDataType;
        if (config.KvCache == KvCacheMode.SharedBuffer && kvMeta.Dimensions.Length == 4 && kvMeta.Dimensions[2] > 0 && kvMeta.Dimensions[2] != _context)
        {
            throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}': past length is {kvMeta.Dimensions[2]} but config.json context_length is {_context}.");
        }

        _ids = GC.AllocateArray<long>(_context, pinned: true);
        _positions = GC.AllocateArray<long>(_context, pinned: true);
        _mask = GC.AllocateArray<long>(_context, pinned: true);
        _mask.AsSpan().Fill(1);
        _maskViews = new OrtValue?[_context + 1];
        _stepIds = View(_ids, 0, [1, 1]);
        _stepPositions = View(_positions, 0, [1, 1]);
        _logits = GC.AllocateArray<float>(_vocab, pinned: true);
        _stepLogits = _logitsType == TensorElementType.Float
            ? OrtValue.CreateTensorValueWithData(_cpu, TensorElementType.Float, [1, 1, _vocab], Marshal.UnsafeAddrOfPinnedArrayElement(_logits, 0), (long)_vocab * sizeof(float))
            : OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float16, [1, 1, _vocab]);

        _bindings = [.. _sessions.Select(s => s.CreateIoBinding())];
        _binding = _bindings[0];
        _lastBinding = _bindings[^1];
        _hiddenNames = new string[_sessions.Length - 1];
        _hiddenSizes = new int[_sessions.Length - 1];
        _stepHidden = new OrtValue[_sessions.Length - 1];
        for (int b = 0; b < _hiddenNames.Length; b++)
        {
            var name = _sessions[b].OutputMetadata.Keys.FirstOrDefault(k => k.StartsWith("hidden_states", StringComparison.Ordinal) && _sessions[b + 1].InputMetadata.ContainsKey(k))
                ?? throw new ModelLoadException(ModelLoadFailure.Model, $"Model '{config.ModelPath}': part {b} has no hidden_states output that part {b + 1} takes.");
            _hiddenNames[b] = name;
            var dims = _sessions[b].OutputMetadata[name].Dimensions;
            _hiddenSizes[b] = dims.Length == 3 && dims[2] > 0 ? dims[2] : config.HiddenSize;
            _stepHidden[b] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 1, _hiddenSizes[b]]);
        }
        _kv = new OrtValue[2 * layers];
        long kvHeads = config.NumKeyValueHeads, headDim = config.HeadDim;
        for (int i = 0; i < _kv.Length; i++)
        {
            long length = config.KvCache == KvCacheMode.SharedBuffer ? _context : 0;
            _kv[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _kvType, [1, kvHeads, length, headDim]);
            _bindings[owner[i]].BindInput(_pastNames[i], _kv[i]);
            if (config.KvCache == KvCacheMode.SharedBuffer)
            {
                _bindings[owner[i]].BindOutput(_presentNames[i], _kv[i]);
            }
        }
    }

    /// <summary>How many sessions the decoder runs as (1, or the parts of a split model).</summary>
    public int Parts => _sessions.Length;

    void BindHidden(OrtValue[] values)
    {
        for (int b = 0; b < values.Length; b++)
        {
            _bindings[b].BindOutput(_hiddenNames[b], values[b]);
            _bindings[b + 1].BindInput(_hiddenNames[b], values[b]);
        }
    }

    public ModelConfig Config => _config;
    public int ContextLength => _context;
    public int VocabSize => _vocab;
    /// <summary>Tokens in the cache.</summary>
    public int Position { get; private set; }
    public bool SharedBuffer => _config.KvCache == KvCacheMode.SharedBuffer;
    /// <summary>Set when the current Run should stop (deadline). ORT checks it between kernels.</summary>
    public RunOptions RunOptions => _runOptions;

    OrtValue View(long[] pinned, int start, long[] shape) =>
        OrtValue.CreateTensorValueWithData(_cpu, TensorElementType.Int64, shape, Marshal.UnsafeAddrOfPinnedArrayElement(pinned, start), shape[0] * shape[1] * sizeof(long));

    OrtValue MaskView(int total) => _maskViews[total] ??= View(_mask, 0, [1, total]);

    /// <summary>Forget the cache (the buffers stay; the attention mask decides what is valid).</summary>
    public void Reset()
    {
        Position = 0;
        if (!SharedBuffer)
        {
            long kvHeads = _config.NumKeyValueHeads, headDim = _config.HeadDim;
            for (int i = 0; i < _kv.Length; i++)
            {
                _kv[i].Dispose();
                _kv[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _kvType, [1, kvHeads, 0, headDim]);
                _binding.BindInput(_pastNames[i], _kv[i]);
            }
        }
    }

    /// <summary>
    /// One forward pass over <paramref name="tokens"/> at the current position; returns the logits of the last one
    /// (valid until the next call).
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<int> tokens)
    {
        int s = tokens.Length;
        if (s == 0)
        {
            throw new ArgumentException("No tokens.", nameof(tokens));
        }

        if (Position + s > _context)
        {
            throw new InvalidOperationException($"Context full: {Position} + {s} > {_context}.");
        }

        int total = Position + s;
        var mask = MaskView(total);
        foreach (var b in _bindings)
        {
            b.BindInput("attention_mask", mask);
        }

        if (s == 1)
        {
            _ids[0] = tokens[0];
            _positions[0] = Position;
            if (!_stepInputsBound)
            {
                _binding.BindInput("input_ids", _stepIds);
                if (_hasPositionIds)
                {
                    _binding.BindInput("position_ids", _stepPositions);
                }

                _lastBinding.BindOutput("logits", _stepLogits);
                BindHidden(_stepHidden);
                _stepInputsBound = true;
            }
            Run();
            Position = total;
            return ReadLastLogits(_stepLogits, 0);
        }

        for (int i = 0; i < s; i++) { _ids[i] = tokens[i]; _positions[i] = Position + i; }
        using var ids = View(_ids, 0, [1, s]);
        using var positions = View(_positions, 0, [1, s]);
        using var allPositions = _lastPositionLogits ? null : OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _logitsType, [1, s, _vocab]);
        var logits = allPositions ?? _stepLogits;
        var hidden = new OrtValue[_stepHidden.Length];
        for (int b = 0; b < hidden.Length; b++)
        {
            hidden[b] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, s, _hiddenSizes[b]]);
        }

        _binding.BindInput("input_ids", ids);
        if (_hasPositionIds)
        {
            _binding.BindInput("position_ids", positions);
        }

        _lastBinding.BindOutput("logits", logits);
        BindHidden(hidden);
        _stepInputsBound = false;
        try
        {
            Run();
        }
        finally
        {
            // Never leave the binding pointing at values we are about to dispose.
            _binding.BindInput("input_ids", _stepIds);
            if (_hasPositionIds)
            {
                _binding.BindInput("position_ids", _stepPositions);
            }

            _lastBinding.BindOutput("logits", _stepLogits);
            BindHidden(_stepHidden);
            foreach (var h in hidden)
            {
                h.Dispose();
            }

            _stepInputsBound = true;
        }
        Position = total;
        return ReadLastLogits(logits, allPositions is null ? 0 : s - 1);
    }

    void Run()
    {
        if (SharedBuffer)
        {
            for (int p = 0; p < _sessions.Length; p++)
            {
                _sessions[p].RunWithBinding(_runOptions, _bindings[p]);
            }

            return;
        }
        // growing: ORT allocates present [1, kv, P+S, hd]; it becomes the next past.
        foreach (var name in _presentNames)
        {
            _binding.BindOutputToDevice(name, _cpu);
        }

        _sessions[0].RunWithBinding(_runOptions, _binding);
        var outputs = _binding.GetOutputValues();
        var names = _binding.GetOutputNames();
        for (int o = 0; o < outputs.Count; o++)
        {
            int layerIndex = Array.IndexOf(_presentNames, names[o]);
            if (layerIndex < 0) { outputs[o].Dispose(); continue; } // logits: a second handle onto our buffer
            _kv[layerIndex].Dispose();
            _kv[layerIndex] = outputs[o];
            _binding.BindInput(_pastNames[layerIndex], outputs[o]);
        }
    }

    /// <summary>Sets the logits of ids [from, to) to −∞ (ids the tokenizer has no text for), in place.</summary>
    public void SuppressLogits(int from, int to)
    {
        from = Math.Clamp(from, 0, _vocab);
        to = Math.Clamp(to, from, _vocab);
        _logits.AsSpan(from, to - from).Fill(float.NegativeInfinity);
    }

    /// <summary>The logits of the last position of the last <see cref="Forward"/> call.</summary>
    public ReadOnlySpan<float> LastLogits => _logits;

    ReadOnlySpan<float> ReadLastLogits(OrtValue logits, int row)
    {
        if (_logitsType == TensorElementType.Float)
        {
            // Decode steps write straight into _logits; prefill's [1,S,V] is copied once (its last row).
            if (!ReferenceEquals(logits, _stepLogits))
            {
                logits.GetTensorDataAsSpan<float>().Slice(row * _vocab, _vocab).CopyTo(_logits);
            }

            return _logits;
        }
        var half = logits.GetTensorDataAsSpan<Float16>().Slice(row * _vocab, _vocab);
        for (int i = 0; i < _vocab; i++)
        {
            _logits[i] = (float)half[i];
        }

        return _logits;
    }

    public void Dispose()
    {
        foreach (var b in _bindings)
        {
            b.Dispose();
        }

        foreach (var v in _kv)
        {
            v.Dispose();
        }

        foreach (var v in _stepHidden)
        {
            v.Dispose();
        }

        foreach (var v in _maskViews)
        {
            v?.Dispose();
        }

        _stepIds.Dispose();
        _stepPositions.Dispose();
        _stepLogits.Dispose();
        _runOptions.Dispose();
        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        GC.KeepAlive(_modelBytes);
    }
}
