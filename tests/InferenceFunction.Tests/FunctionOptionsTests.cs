using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The function's settings from its environment: ONNX Runtime threads from the Lambda memory size, model directory, graph optimization, mmap.</summary>
public sealed class FunctionOptionsTests
{
    static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Key == name).Value;

    [Theory]
    [InlineData(128, 64, 1)]
    [InlineData(1769, 64, 1)]
    [InlineData(1770, 64, 2)]
    [InlineData(3008, 64, 2)]
    [InlineData(10240, 64, 6)]
    [InlineData(10240, 2, 2)]     // never more than the cores present
    public void Threads_follow_lambda_memory(int memoryMb, int cores, int expected)
    {
        var (threads, source) = FunctionOptions.ComputeIntraOpThreads(Env((EnvVars.FunctionMemorySize, memoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture))), cores);
        Assert.Equal(expected, threads);
        Assert.Equal(EnvVars.FunctionMemorySize, source);
    }

    [Fact]
    public void Omp_num_threads_wins()
    {
        var (threads, source) = FunctionOptions.ComputeIntraOpThreads(Env((EnvVars.FunctionMemorySize, "10240"), (EnvVars.OmpNumThreads, "3")), 64);
        Assert.Equal((3, EnvVars.OmpNumThreads), (threads, source));
    }

    [Fact]
    public void Options_defaults_and_overrides()
    {
        var o = FunctionOptions.FromEnvironment(Env());
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "model"), o.ModelDirectory);
        Assert.Equal(GraphOptimization.Default, o.GraphOptimization);
        Assert.True(o.MemoryMapOrt);
        var p = FunctionOptions.FromEnvironment(Env((EnvVars.ModelDir, "/m"), (EnvVars.GraphOptimization, "basic"), (EnvVars.MemoryMapOrt, "0"), (EnvVars.FunctionName, "fn")));
        Assert.Equal("/m", p.ModelDirectory);
        Assert.Equal(GraphOptimization.Basic, p.GraphOptimization);
        Assert.False(p.MemoryMapOrt);
        Assert.Equal("fn", p.FunctionName);
    }

    [Fact]
    public void Weights_are_packed_on_every_intra_op_thread_unless_there_is_one_or_it_is_turned_off()
    {
        var config = new ModelConfig { Directory = "/m", ModelPath = "/m/model.onnx", Format = ModelFormat.Onnx, TokenizerPath = "/m/tokenizer.bpe" };
        FunctionOptions Options(params (string, string)[] vars) => FunctionOptions.FromEnvironment(Env([(EnvVars.ModelDir, "/m"), .. vars]));

        Assert.Equal("1", SessionFactory.ConfigEntries(Options((EnvVars.IntraOpThreads, "2")), config, memoryMapOrt: false)[SessionFactory.EnableParallelPrepack]);
        Assert.False(SessionFactory.ConfigEntries(Options((EnvVars.IntraOpThreads, "1")), config, false).ContainsKey(SessionFactory.EnableParallelPrepack));
        Assert.False(SessionFactory.ConfigEntries(Options((EnvVars.IntraOpThreads, "2"), (EnvVars.ParallelPrepack, "0")), config, false).ContainsKey(SessionFactory.EnableParallelPrepack));
    }
}
