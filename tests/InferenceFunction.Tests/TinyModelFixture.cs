using System.Diagnostics;
using LlamaAspire.InferenceFunction.Inference;
using LlamaAspire.InferenceFunction.Requests;
using LlamaAspire.InferenceFunction.Telemetry;
using LlamaAspire.LlamaModel;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>Writes the tiny model once per test run (ModelBuilder as a process), in .onnx and in optimised ORT format.</summary>
public sealed class TinyModelFixture : IDisposable
{
    readonly string _root = TestPaths.NewTempDirectory("llama-tiny");

    public TinyModelFixture()
    {
        OnnxDirectory = Path.Combine(_root, "onnx");
        OrtDirectory = Path.Combine(_root, "ort");
        Build(OnnxDirectory);
        Build(OrtDirectory, "--format", "ort", "--optimize");
        SplitDirectory = Path.Combine(_root, "sessions2");
        Build(SplitDirectory, "--sessions", "2");
        LastLogitsDirectory = Path.Combine(_root, "last-logits");
        Build(LastLogitsDirectory, "--prefill-logits", "last");
    }

    /// <summary>The same model split into two session parts (builder --sessions 2).</summary>
    public string SplitDirectory { get; }

    /// <summary>The onnx model with the LM head on the last position only (logits [1, 1, V]).</summary>
    public string LastLogitsDirectory { get; }

    public string OnnxDirectory { get; }
    public string OrtDirectory { get; }

    static void Build(string outDir, params string[] extra)
    {
        var dll = TestPaths.ModelBuilderDll;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"ModelBuilder is not built at {dll} (the test project references it; build the tests).", dll);
        }

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[dll, "build", "--preset", "tiny", "--out", outDir, .. extra])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); throw new TimeoutException("ModelBuilder took over 5 minutes."); }
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"ModelBuilder failed ({p.ExitCode}): {stdout.Result}\n{stderr.Result}");
        }
    }

    /// <summary>A fresh in-process model (session, runner, tokenizer) over one of the directories.</summary>
    public static Generator Load(string directory, out ModelRunner runner, Func<string, string?>? env = null) =>
        Load(directory, out runner, out _, env);

    public static Generator Load(string directory, out ModelRunner runner, out WeightLoadInfo info, Func<string, string?>? env = null)
    {
        var options = FunctionOptions.FromEnvironment(name => name == EnvVars.ModelDir ? directory : env?.Invoke(name));
        var config = ModelDirectory.Load(options.ModelDirectory, options.ContextLengthCap);
        if (config.PartPaths.Count > 1)
        {
            runner = new ModelRunner(SessionFactory.CreateParts(options, config, out info), config);
        }
        else
        {
            var session = SessionFactory.Create(options, config, out info, out var pinned);
            runner = new ModelRunner(session, config, pinned);
        }
        return new Generator(runner, Llama3Tokenizer.Load(config.TokenizerPath));
    }

    public static InferenceHandler Handler(string directory)
    {
        Func<string, string?> env = name => name switch
        {
            EnvVars.ModelDir => directory,
            EnvVars.FunctionName => "llama-test",
            EnvVars.Region => "us-east-1",
            _ => null,
        };
        var options = FunctionOptions.FromEnvironment(env);
        return new InferenceHandler(Load(directory, out _), options, TelemetrySetup.Disabled, env);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } // best-effort temp cleanup; a busy file only leaves /tmp litter
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "tiny model";
}
