using LlamaAspire.LlamaModel;
using LlamaAspire.ModelBuilder.Llama;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.ModelBuilder.Tests;

/// <summary>ORT format, offline-optimised .onnx and saved pre-packs load as config.json says and give the .onnx's logits.</summary>
public class VariantTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private static readonly long[] Prompt = [128000, 9906, 11, 1917, 0, 358];

    private float[] ReferenceLogits(int accuracyLevel = 4)
    {
        var path = tiny.ModelPath;
        if (accuracyLevel != 4)
        {
            var dir = tiny.NewDir($"ref-acc{accuracyLevel}");
            ModelBuild.Run(new BuildRequest(Presets.Tiny, TinyModelFixture.Dims with { AccuracyLevel = accuracyLevel }, 42, dir), new NullProgress());
            path = Path.Combine(dir, "model.onnx");
        }

        using var runner = new ModelRunner(path, TinyModelFixture.Dims);
        var logits = runner.Forward(Prompt);
        var step = runner.Forward([Logits.ArgMax(logits.AsSpan((Prompt.Length - 1) * TinyModelFixture.Dims.VocabSize))]);
        return [.. logits, .. step];
    }

    private static float[] RunAsConfigured(string dir, bool zeroCopy = false)
    {
        var m = BuiltModel.Load(dir);
        using var options = m.CreateSessionOptions();
        if (zeroCopy)
        {
            options.AddSessionConfigEntry("session.use_memory_mapped_ort_model", "1");
            options.AddSessionConfigEntry("session.use_ort_model_bytes_for_initializers", "1");
        }

        using var runner = new ModelRunner(m.ModelPath, m.Dims, options);
        var logits = runner.Forward(Prompt);
        var step = runner.Forward([Logits.ArgMax(logits.AsSpan(logits.Length - m.Dims.VocabSize))]); // the last position's row
        return [.. logits, .. step];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OrtFormatLoadsAndMatchesOnnx(bool zeroCopy)
    {
        var dir = tiny.NewDir($"ort-{zeroCopy}");
        var result = ModelBuild.Run(new BuildRequest(Presets.Tiny, TinyModelFixture.Dims, 42, dir, ModelFormat.Ort), new NullProgress());
        Assert.Equal("model.ort", result.Variant.ModelFile);
        Assert.False(File.Exists(Path.Combine(dir, "model.onnx")));
        var m = BuiltModel.Load(dir);
        Assert.Equal((ModelFormat.Ort, GraphOptimization.DisableAll), (m.Format, m.OptimizationLevel));
        Assert.Equal("ORT", m.ConfigEntries["session.load_model_format"]);
        Assert.True(Logits.MaxRelativeDiff(RunAsConfigured(dir, zeroCopy), ReferenceLogits()) <= 1e-3f);
    }

    [Fact]
    public void SessionsSplitsTheLayersIntoChainedPartsWithTheirOwnExternalData()
    {
        var dir = tiny.NewDir("sessions2");
        var result = ModelBuild.Run(new BuildRequest(Presets.Tiny, TinyModelFixture.Dims, 42, dir, ForceExternalData: true, Sessions: 2), new NullProgress());
        Assert.Equal(["model.part0.onnx", "model.part1.onnx"], result.Variant.ModelFiles);
        Assert.True(ModelBuild.IsComplete(dir));
        var m = BuiltModel.Load(dir);
        Assert.Equal(2, m.Sessions);
        Assert.Equal("model.part0.onnx", m.ModelFile);
        Assert.Equal("model.part0.onnx.data", m.ExternalDataFile);
        var ranges = LlamaGraphBuilder.SplitLayers(TinyModelFixture.Dims, 2);
        Assert.Equal((0, TinyModelFixture.Dims.Layers), (ranges[0].First, ranges[^1].End));
        using var part0 = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(dir, "model.part0.onnx"));
        using var part1 = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(dir, "model.part1.onnx"));
        var hidden = LlamaGraphBuilder.HiddenStates(ranges[0].End);
        Assert.Contains(hidden, part0.OutputMetadata.Keys);
        Assert.Contains(hidden, part1.InputMetadata.Keys);
        Assert.DoesNotContain("logits", part0.OutputMetadata.Keys);
        Assert.Contains("logits", part1.OutputMetadata.Keys);
        Assert.Contains("input_ids", part0.InputMetadata.Keys);
        Assert.DoesNotContain("input_ids", part1.InputMetadata.Keys);
        Assert.Contains(LlamaGraphBuilder.PastKey(ranges[0].End), part1.InputMetadata.Keys);
        Assert.DoesNotContain(LlamaGraphBuilder.PastKey(ranges[0].End), part0.InputMetadata.Keys);
        Assert.True(File.Exists(Path.Combine(dir, "model.part1.onnx.data")));
        Assert.Throws<BuildException>(() => m.Verify());
    }

    [Fact]
    public void SessionSplitBalancesPrepackedWeightWithTheLmHeadInTheLastPart()
    {
        var ranges = LlamaGraphBuilder.SplitLayers(Presets.Get(Presets.Llama1B)!, 2);
        Assert.Equal([(0, 10), (10, 16)], ranges);
    }

    [Fact]
    public void OptimizedOnnxMatches()
    {
        var dir = tiny.NewDir("optimized");
        ModelBuild.Run(new BuildRequest(Presets.Tiny, TinyModelFixture.Dims, 42, dir, Optimize: true), new NullProgress());
        var m = BuiltModel.Load(dir);
        Assert.True(m.Optimized);
        Assert.Equal(GraphOptimization.DisableAll, m.OptimizationLevel);
        Assert.True(Logits.MaxRelativeDiff(RunAsConfigured(dir), ReferenceLogits()) <= 1e-3f);
    }

    /// <summary>Level 4 too since ONNX Runtime 1.32.0: 1.31.1 saved the int8 path's pre-packs without their scales (NaN logits).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void PrepackedOnnxMatchesTheUnpackedModelAtItsAccuracyLevel(int accuracyLevel)
    {
        var dir = tiny.NewDir($"prepacked-{accuracyLevel}");
        var dims = TinyModelFixture.Dims with { AccuracyLevel = accuracyLevel };
        ModelBuild.Run(new BuildRequest(Presets.Tiny, dims, 42, dir, Prepack: true), new NullProgress());
        var m = BuiltModel.Load(dir);
        Assert.True(m.Prepacked);
        Assert.Equal("model.onnx.data", m.ExternalDataFile);
        Assert.True(Logits.MaxRelativeDiff(RunAsConfigured(dir), ReferenceLogits(accuracyLevel)) <= 1e-3f);

        // What the packs are valid for is recorded, for the loader to check: this ONNX Runtime, this CPU.
        var recorded = Assert.IsType<PrepackTarget>(m.Config.PrepackedFor);
        var here = PrepackTarget.Current(OrtEnv.Instance().GetVersionString())!;
        Assert.Equal(OrtEnv.Instance().GetVersionString(), recorded.OnnxRuntimeVersion);
        Assert.Equal(here.CpuFeatures, recorded.CpuFeatures);
        Assert.Null(recorded.MismatchWith(here));
    }

    /// <summary>
    /// The shared int4 embedding (GatherBlockQuantized over the LM head's weights, tiny's default) and the fp32 one (1B/3B's,
    /// as GenAI's cpu-int4 exports ship it) are the same model: the fp32 table is the int4 one dequantised.
    /// </summary>
    [Fact]
    public void AnFp32EmbeddingComputesWhatTheSharedInt4EmbeddingDoes()
    {
        var dir = tiny.NewDir("fp32-embedding");
        ModelBuild.Run(new BuildRequest(Presets.Tiny, TinyModelFixture.Dims with { Embedding = EmbeddingKind.Fp32 }, 42, dir), new NullProgress());
        Assert.Equal("fp32", BuiltModel.Load(dir).Config.Embedding);
        Assert.Equal("int4", BuiltModel.Load(tiny.Dir).Config.Embedding);

        Assert.True(Logits.MaxRelativeDiff(RunAsConfigured(dir), ReferenceLogits()) <= 1e-3f);
    }

    [Fact]
    public void LastPositionLogitsAreTheFullModelsLastRow()
    {
        var dir = tiny.NewDir("last-logits");
        ModelBuild.Run(new BuildRequest(Presets.Tiny, TinyModelFixture.Dims with { LastPositionLogits = true }, 42, dir), new NullProgress());
        var m = BuiltModel.Load(dir);
        Assert.True(m.Dims.LastPositionLogits);
        var vocab = TinyModelFixture.Dims.VocabSize;

        var last = RunAsConfigured(dir);  // the prompt's last row, then a decode step's
        var full = ReferenceLogits();     // every prompt row, then the same decode step's

        Assert.Equal(2 * vocab, last.Length);
        Assert.True(Logits.MaxRelativeDiff(last, full.AsSpan(full.Length - 2 * vocab).ToArray()) <= 1e-3f);
        Assert.Equal(1, m.Verify().LogitPositions);
    }

    /// <summary>3B with its fp32 embedding is 3.6 GB; with the int4 one 2.01 GB, which ONNX Runtime 1.32 crashed converting.</summary>
    [Theory]
    [InlineData("fp32")]
    [InlineData("int4")]
    public void OrtFormatRefusesModelsOverItsLimitWithoutTouchingTheDirectory(string embeddingName)
    {
        var embedding = embeddingName == "int4" ? EmbeddingKind.Int4 : EmbeddingKind.Fp32;
        var dir = Directory.CreateDirectory(tiny.NewDir($"ort-3b-{embeddingName}")).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
        var dims = Presets.Get(Presets.Llama3B)! with { Embedding = embedding };
        var e = Assert.Throws<BuildException>(() =>
            ModelBuild.Run(new BuildRequest(Presets.Llama3B, dims, 42, dir, ModelFormat.Ort), new NullProgress()));
        Assert.Contains("2 GB", e.Message, StringComparison.Ordinal);
        Assert.Contains("--format onnx", e.Message, StringComparison.Ordinal);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(dir, "config.json")));
    }
}
