using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>
/// Runs a built model the way Contract 1's shared-buffer mode says the function will: one preallocated
/// [1, kv_heads, C, head_dim] OrtValue per past/present pair, bound as both input and output. Used to verify builds.
/// </summary>
internal sealed class ModelRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly LlamaDims _dims;
    private readonly float[][] _cache;
    private readonly OrtValue[] _cacheValues;
    private readonly OrtMemoryInfo _cpu = OrtMemoryInfo.DefaultInstance;
    private readonly bool _shareBuffers;
    private int _cached;

    public ModelRunner(string modelPath, LlamaDims dims, SessionOptions? options = null, bool shareBuffers = true)
    {
        _dims = dims;
        _shareBuffers = shareBuffers;
        _session = options is null ? new InferenceSession(modelPath) : new InferenceSession(modelPath, options);
        var shape = new long[] { 1, dims.KvHeads, dims.ContextLength, dims.HeadDim };
        var size = dims.KvHeads * dims.ContextLength * dims.HeadDim;
        _cache = new float[dims.Layers * 2][];
        _cacheValues = new OrtValue[dims.Layers * 2];
        for (var i = 0; i < _cache.Length; i++)
        {
            _cache[i] = new float[size];
            _cacheValues[i] = OrtValue.CreateTensorValueFromMemory(_cache[i], shape);
        }
    }

    public InferenceSession Session => _session;

    public int CachedTokens => _cached;

    /// <summary>Starts a new sequence. The cache need not be cleared: GQA reads only the first total_sequence_length slots.</summary>
    public void Reset(bool clear = true)
    {
        _cached = 0;
        if (clear)
        {
            foreach (var c in _cache)
            {
                Array.Clear(c);
            }
        }
    }

    /// <summary>Feeds <paramref name="tokens"/> after what is cached; returns logits [S, vocab] flattened.</summary>
    public float[] Forward(ReadOnlySpan<long> tokens)
    {
        var s = tokens.Length;
        var total = _cached + s;
        if (total > _dims.ContextLength)
        {
            throw new InvalidOperationException($"{total} tokens exceed the context length {_dims.ContextLength}.");
        }

        var ids = tokens.ToArray();
        var mask = Enumerable.Repeat(1L, total).ToArray();
        var positions = Enumerable.Range(_cached, s).Select(p => (long)p).ToArray();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, s]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, total]);
        using var posValue = OrtValue.CreateTensorValueFromMemory(positions, [1, s]);
        using var binding = _session.CreateIoBinding();
        binding.BindInput(LlamaGraphBuilder.InputIds, idsValue);
        binding.BindInput(LlamaGraphBuilder.AttentionMask, maskValue);
        binding.BindInput(LlamaGraphBuilder.PositionIds, posValue);
        for (var l = 0; l < _dims.Layers; l++)
        {
            binding.BindInput(LlamaGraphBuilder.PastKey(l), _cacheValues[2 * l]);
            binding.BindInput(LlamaGraphBuilder.PastValue(l), _cacheValues[2 * l + 1]);
            if (_shareBuffers)
            {
                binding.BindOutput(LlamaGraphBuilder.PresentKey(l), _cacheValues[2 * l]);
                binding.BindOutput(LlamaGraphBuilder.PresentValue(l), _cacheValues[2 * l + 1]);
            }
            else
            {
                binding.BindOutputToDevice(LlamaGraphBuilder.PresentKey(l), _cpu);
                binding.BindOutputToDevice(LlamaGraphBuilder.PresentValue(l), _cpu);
            }
        }

        binding.BindOutputToDevice(LlamaGraphBuilder.Logits, _cpu);
        using var runOptions = new RunOptions();
        _session.RunWithBinding(runOptions, binding);
        using var outputs = binding.GetOutputValues();
        var names = binding.GetOutputNames();
        float[]? logits = null;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i] == LlamaGraphBuilder.Logits)
            {
                logits = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            }
            else if (!_shareBuffers)
            {
                // Copy present back into our cache buffers (the non-shared path, for comparison).
                var layer = int.Parse(names[i].Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
                var index = 2 * layer + (names[i].EndsWith(".key", StringComparison.Ordinal) ? 0 : 1);
                outputs[i].GetTensorDataAsSpan<float>().CopyTo(_cache[index]);
            }
        }

        _cached = total;
        return logits ?? throw new InvalidOperationException("The model produced no logits.");
    }

    public void Dispose()
    {
        foreach (var v in _cacheValues)
        {
            v.Dispose();
        }

        _session.Dispose();
    }
}
