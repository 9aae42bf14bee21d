using System.Runtime.InteropServices;
using LlamaAspire.ModelBuilder.Onnx;

namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>SplitMix64: a fixed, documented PRNG (System.Random's algorithm is not a stable contract).</summary>
internal struct SplitMix64(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));

    public void Fill(Span<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = Next();
        }

        for (var i = words.Length * 8; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Next();
        }
    }

    /// <summary>
    /// Random int4 pairs with no bias: a nibble of 0 (value −8 after the zero point 8) becomes 8 (value 0), so values are
    /// −7..7, symmetric around 0. (Uniform 0..15 has mean −0.5: a rank-one bias in every matrix that, summed over 16
    /// layers, drives every position to the same argmax.)
    /// </summary>
    public void FillNibbles(Span<byte> bytes)
    {
        const ulong ones = 0x1111111111111111UL;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        for (var i = 0; i < words.Length; i++)
        {
            var x = Next();
            var t = x | (x >> 1);
            t |= t >> 2;
            x |= (~t & ones) << 3; // bit 0 of each nibble marks a zero nibble; set its bit 3
            words[i] = x;
        }

        if (bytes.Length % 8 != 0)
        {
            throw new ArgumentException("int4 rows are whole 8-byte words (K is a multiple of 32).", nameof(bytes));
        }
    }

    /// <summary>A stream seed from the model seed and a tensor name (FNV-1a), so tensors are independent of order.</summary>
    public static ulong Derive(ulong seed, string name)
    {
        var h = 14695981039346656037UL;
        foreach (var c in name)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        var mix = new SplitMix64(seed ^ h);
        return mix.Next();
    }
}

/// <summary>
/// A seeded int4 weight [N, K] in MatMulNBits layout: B uint8 [N, K/32, 16] (low nibble first, zero point 8)
/// and fp32 scales [N, K/32]. Quantised values are −7..7 (see <see cref="SplitMix64.FillNibbles"/>), standard deviation about
/// 4.18 × the block scale;
/// <paramref name="gain"/> sets the output's standard deviation for an input of RMS 1.
/// </summary>
internal sealed class Int4Weight(string name, int n, int k, float gain, ulong seed)
{
    private const int Chunk = 1 << 20;
    private const float NibbleStd = 4.18f; // sqrt(2 * (1^2 + ... + 7^2) / 16)

    public string Name { get; } = name;
    public int N { get; } = n;
    public int K { get; } = k;
    public int KBlocks => K / LlamaDims.BlockSize;
    public long DataBytes => (long)N * K / 2;
    public long ScaleCount => (long)N * KBlocks;

    private readonly ulong _dataSeed = SplitMix64.Derive(seed, name + "/q");
    private readonly ulong _scaleSeed = SplitMix64.Derive(seed, name + "/s");
    private readonly float _baseScale = gain / (NibbleStd * MathF.Sqrt(k));

    public TensorData Data(string tensorName, bool flat = false) => new(tensorName, OnnxDataType.UInt8,
        flat ? [N, K / 2] : [N, KBlocks, LlamaDims.BlockSize / 2], DataBytes, WriteData);

    public TensorData Scales(string tensorName) => new(tensorName, OnnxDataType.Float, [N, KBlocks], ScaleCount * 4, WriteScales);

    /// <summary>The exact dequantised values, fp32 [N, K]: an fp32 embedding tied to this int4 LM head.</summary>
    public TensorData Dequantized(string tensorName) => new(tensorName, OnnxDataType.Float, [N, K], (long)N * K * 4, WriteDequantized);

    private void WriteData(Stream s)
    {
        var rng = new SplitMix64(_dataSeed);
        var buffer = new byte[Chunk];
        for (var left = DataBytes; left > 0;)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(Chunk, left));
            rng.FillNibbles(span);
            s.Write(span);
            left -= span.Length;
        }
    }

    private void WriteScales(Stream s)
    {
        var rng = new SplitMix64(_scaleSeed);
        var buffer = new float[Chunk / 4];
        for (var left = ScaleCount; left > 0;)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(buffer.Length, left));
            FillScales(ref rng, span);
            s.Write(MemoryMarshal.AsBytes(span));
            left -= span.Length;
        }
    }

    private void FillScales(ref SplitMix64 rng, Span<float> span)
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = _baseScale * (0.75f + 0.5f * rng.NextFloat());
        }
    }

    private void WriteDequantized(Stream s)
    {
        var q = new SplitMix64(_dataSeed);
        var sc = new SplitMix64(_scaleSeed);
        var rowBytes = new byte[K / 2];
        var rowScales = new float[KBlocks];
        var row = new float[K];
        for (var r = 0; r < N; r++)
        {
            q.FillNibbles(rowBytes);
            FillScales(ref sc, rowScales);
            for (var j = 0; j < rowBytes.Length; j++)
            {
                var scale = rowScales[2 * j / LlamaDims.BlockSize];
                row[2 * j] = ((rowBytes[j] & 0xF) - 8) * scale;
                row[2 * j + 1] = ((rowBytes[j] >> 4) - 8) * scale;
            }

            s.Write(MemoryMarshal.AsBytes(row.AsSpan()));
        }
    }
}

internal static class SmallTensors
{
    /// <summary>RMSNorm weights: 1 ± 0.05, seeded.</summary>
    public static TensorData NormWeight(string name, int size, ulong seed)
    {
        var rng = new SplitMix64(SplitMix64.Derive(seed, name));
        var values = new float[size];
        for (var i = 0; i < size; i++)
        {
            values[i] = 0.95f + 0.1f * rng.NextFloat();
        }

        return Floats(name, [size], values);
    }

    public static TensorData Floats(string name, long[] dims, float[] values)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        return new TensorData(name, OnnxDataType.Float, dims, bytes.Length, s => s.Write(bytes));
    }
}
