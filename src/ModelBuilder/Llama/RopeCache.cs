namespace LlamaAspire.ModelBuilder.Llama;

/// <summary>cos/sin caches [positions, head_dim/2] with Llama 3 ("llama3") rope scaling, as GroupQueryAttention applies them.</summary>
internal static class RopeCache
{
    public static double[] InverseFrequencies(int headDim)
    {
        var half = headDim / 2;
        var inv = new double[half];
        const double lowWavelen = LlamaDims.RopeOriginalMaxPositions / LlamaDims.RopeLowFreqFactor;
        const double highWavelen = LlamaDims.RopeOriginalMaxPositions / LlamaDims.RopeHighFreqFactor;
        for (var i = 0; i < half; i++)
        {
            var f = 1.0 / Math.Pow(LlamaDims.RopeTheta, 2.0 * i / headDim);
            var wavelen = 2 * Math.PI / f;
            if (wavelen < highWavelen)
            {
                inv[i] = f;
            }
            else if (wavelen > lowWavelen)
            {
                inv[i] = f / LlamaDims.RopeFactor;
            }
            else
            {
                var smooth = (LlamaDims.RopeOriginalMaxPositions / wavelen - LlamaDims.RopeLowFreqFactor)
                    / (LlamaDims.RopeHighFreqFactor - LlamaDims.RopeLowFreqFactor);
                inv[i] = (1 - smooth) * f / LlamaDims.RopeFactor + smooth * f;
            }
        }

        return inv;
    }

    public static (float[] Cos, float[] Sin) Build(int positions, int headDim)
    {
        var inv = InverseFrequencies(headDim);
        var half = headDim / 2;
        var cos = new float[positions * half];
        var sin = new float[positions * half];
        for (var p = 0; p < positions; p++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = p * inv[i];
                cos[p * half + i] = (float)Math.Cos(angle);
                sin[p * half + i] = (float)Math.Sin(angle);
            }
        }

        return (cos, sin);
    }
}
