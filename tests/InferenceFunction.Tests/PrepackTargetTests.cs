using System.Text.Json.Nodes;
using LlamaAspire.LlamaModel;
using Microsoft.ML.OnnxRuntime;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>Saved pre-packs are only used where they were made for: the CPU's kernel family and the ONNX Runtime version.</summary>
public sealed class PrepackTargetTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void The_dispatch_features_are_read_from_cpuinfo_for_each_architecture()
    {
        const string x64 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw avx512_vnni sha_ni\n\nprocessor\t: 1\nflags\t\t: fpu\n";
        const string arm64 = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes asimddp sve i8mm\nCPU implementer\t: 0x41\n";

        Assert.Equal(["avx", "avx2", "avx512_vnni", "avx512bw", "avx512f", "fma"], PrepackTarget.CpuFeaturesOf(x64, "x86_64"));
        Assert.Equal(["asimd", "asimddp", "i8mm", "sve"], PrepackTarget.CpuFeaturesOf(arm64, "arm64"));
        Assert.Empty(PrepackTarget.CpuFeaturesOf("processor\t: 0\n", "x86_64"));
    }

    [Fact]
    public void A_mismatch_names_what_differs()
    {
        var packed = new PrepackTarget("1.32.0", "x86_64", ["avx", "avx2", "avx512_vnni", "avx512f"]);

        Assert.Null(packed.MismatchWith(packed with { CpuFeatures = ["avx", "avx2", "avx512_vnni", "avx512f"] }));
        Assert.Equal("they were packed for a CPU with [avx avx2 avx512_vnni avx512f] and this CPU lacks [avx512_vnni avx512f]",
            packed.MismatchWith(packed with { CpuFeatures = ["avx", "avx2"] }));
        // More is a mismatch too: with more, MLAS picks another kernel, which reads another layout.
        Assert.Contains("also has [amx_int8]", packed.MismatchWith(packed with { CpuFeatures = [.. packed.CpuFeatures, "amx_int8"] }), StringComparison.Ordinal);
        Assert.Equal("they were packed by ONNX Runtime 1.32.0 and this is ONNX Runtime 1.33.0", packed.MismatchWith(packed with { OnnxRuntimeVersion = "1.33.0" }));
        Assert.Equal("they were packed on x86_64 and this is arm64", packed.MismatchWith(packed with { Architecture = "arm64" }));
    }

    [Fact]
    public void The_function_refuses_packs_made_for_another_CPU_before_creating_a_session()
    {
        var here = PrepackTarget.Current(OrtEnv.Instance().GetVersionString());
        Assert.NotNull(here); // Linux: /proc/cpuinfo is there
        // Packed on a CPU that differs from this one by AMX (with it where this one has none, or the other way round).
        var other = here.CpuFeatures.Contains("amx_tile")
            ? here with { CpuFeatures = [.. here.CpuFeatures.Where(f => f != "amx_tile")] }
            : here with { CpuFeatures = [.. here.CpuFeatures, "amx_tile"] };
        var dir = CopyWithPrepackedFor(tiny.OnnxDirectory, other);

        var refused = Assert.Throws<ModelLoadException>(() => TinyModelFixture.Load(dir, out _));
        Assert.Equal(ModelLoadFailure.Model, refused.Failure);
        Assert.Contains("holds pre-packed weights that cannot be used here", refused.Message, StringComparison.Ordinal);
        Assert.Contains("[amx_tile]", refused.Message, StringComparison.Ordinal);
        Assert.Contains("without --prepack", refused.Message, StringComparison.Ordinal);

        // The same directory recorded for this machine loads.
        TinyModelFixture.Load(CopyWithPrepackedFor(tiny.OnnxDirectory, here), out var runner);
        runner.Dispose();
    }

    /// <summary>A copy of <paramref name="source"/> whose config.json says its packs were made for <paramref name="target"/>.</summary>
    private static string CopyWithPrepackedFor(string source, PrepackTarget target)
    {
        var dir = Directory.CreateTempSubdirectory("prepack-target-").FullName;
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        var configPath = Path.Combine(dir, ModelDirectoryLayout.ConfigFile);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        var ours = config["llamaaspire"]!.AsObject();
        ours["prepacked"] = true;
        ours["prepacked_for"] = new JsonObject
        {
            ["onnxruntime"] = target.OnnxRuntimeVersion,
            ["architecture"] = target.Architecture,
            ["cpu_features"] = new JsonArray([.. target.CpuFeatures.Select(f => (JsonNode)f)]),
        };
        File.WriteAllText(configPath, config.ToJsonString());
        return dir;
    }
}
