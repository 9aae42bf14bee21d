using LlamaAspire.ModelBuilder.Llama;

namespace LlamaAspire.ModelBuilder.Tests;

/// <summary>One tiny model per test class that asks for it (building takes ~0.1 s; sessions cost more than builds).</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Root = Directory.CreateTempSubdirectory("mb-tests-").FullName;
        Dir = Path.Combine(Root, "tiny");
        Result = ModelBuild.Run(new BuildRequest(Presets.Tiny, Dims, 42, Dir), new NullProgress());
    }

    internal static LlamaDims Dims => Presets.Get(Presets.Tiny)!;

    public string Root { get; }

    public string Dir { get; }

    internal BuildResult Result { get; }

    public string ModelPath => Path.Combine(Dir, "model.onnx");

    public string NewDir(string name) => Path.Combine(Root, name);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

internal sealed class NullProgress : IBuildProgress
{
    public void Phase(string name, long totalBytes)
    {
    }

    public void Advance(long bytes)
    {
    }
}

internal static class Logits
{
    public static float MaxRelativeDiff(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        float maxDiff = 0, maxAbs = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
            maxAbs = Math.Max(maxAbs, Math.Abs(expected[i]));
        }

        return maxDiff / Math.Max(maxAbs, 1e-6f);
    }

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}
