using System.Globalization;
using LlamaAspire.LlamaModel;
using LlamaAspire.ModelBuilder.Llama;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;

namespace LlamaAspire.ModelBuilder.Cli;

internal static class BuildCommand
{
    private static readonly HashSet<string> ValueOptions =
    [
        "--preset", "--out", "--format", "--seed", "--context-length", "--embedding", "--accuracy-level", "--sessions", "--prefill-logits",
        "--hidden-size", "--layers", "--heads", "--kv-heads", "--head-dim", "--intermediate-size", "--vocab-size",
    ];

    private static readonly HashSet<string> Flags = ["--if-missing", "--optimize", "--prepack", "--external-data", "--verify"];

    public const ulong DefaultSeed = 42;

    public static BuildRequest Parse(string[] args)
    {
        var a = new CliArgs(args, ValueOptions, Flags);
        if (a.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{a.Positional[0]}' for build.");
        }

        var preset = a.Get("--preset") ?? Presets.Tiny;
        var dims = Presets.Get(preset, a.GetInt("--context-length"))
            ?? throw new UsageException($"unknown preset '{preset}' (known: {string.Join(", ", Presets.Names)}).");
        var custom = false;
        int Dim(string flag, int current)
        {
            var v = a.GetInt(flag);
            custom |= v is not null && v != current;
            return v ?? current;
        }

        dims = dims with
        {
            HiddenSize = Dim("--hidden-size", dims.HiddenSize),
            Layers = Dim("--layers", dims.Layers),
            Heads = Dim("--heads", dims.Heads),
            KvHeads = Dim("--kv-heads", dims.KvHeads),
            HeadDim = Dim("--head-dim", dims.HeadDim),
            IntermediateSize = Dim("--intermediate-size", dims.IntermediateSize),
            VocabSize = Dim("--vocab-size", dims.VocabSize),
        };
        if (a.GetChoice("--embedding", "int4", "fp32") is { } embedding)
        {
            dims = dims with { Embedding = embedding == "fp32" ? EmbeddingKind.Fp32 : EmbeddingKind.Int4 };
        }

        dims = dims with
        {
            AccuracyLevel = a.GetInt("--accuracy-level", min: 0) ?? dims.AccuracyLevel,
            LastPositionLogits = a.GetChoice("--prefill-logits", "all", "last") == "last",
        };
        if (dims.Validate() is { } invalid)
        {
            throw new UsageException(invalid);
        }

        var format = a.GetChoice("--format", "onnx", "ort") == "ort" ? ModelFormat.Ort : ModelFormat.Onnx;
        if (format == ModelFormat.Ort && (a.Has("--prepack") || a.Has("--external-data")))
        {
            throw new UsageException("--prepack and --external-data apply to --format onnx only (ORT format is one ≤2 GB FlatBuffer and cannot hold saved pre-packs).");
        }

        var name = custom ? Presets.Custom : preset;
        return new BuildRequest(name, dims, a.GetULong("--seed") ?? DefaultSeed, a.Get("--out") ?? Path.Combine("models", preset), format,
            Optimize: a.Has("--optimize"), Prepack: a.Has("--prepack"), ForceExternalData: a.Has("--external-data") || (a.GetInt("--sessions", min: 1) ?? 1) > 1,
            Sessions: a.GetInt("--sessions", min: 1) ?? 1);
    }

    public static int Run(string[] args, TextWriter stdout)
    {
        var request = Parse(args);
        var flags = new CliArgs(args, ValueOptions, Flags);
        if (flags.Has("--if-missing") && ModelBuild.IsComplete(request.OutDir) && Matches(BuiltModel.Load(request.OutDir), request, stdout))
        {
            stdout.WriteLine($"model already present in {Path.GetFullPath(request.OutDir)}; skipping (--if-missing).");
            return CliApp.ExitOk;
        }

        BuildResult result;
        if (ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            result = AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var p = new SpectreProgress(ctx);
                    var r = ModelBuild.Run(request, p);
                    p.Complete();
                    return r;
                });
        }
        else
        {
            result = ModelBuild.Run(request, new PlainProgress(stdout));
        }

        var dir = Path.GetFullPath(request.OutDir);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"built {request.Preset} ({result.Variant.ModelFile}{(result.Variant.Optimized ? ", optimized" : "")}{(result.Variant.Prepacked ? ", prepacked" : "")}{(result.Variant.ExternalData ? ", external data" : "")}) in {dir}: {result.TotalBytes / 1e6:F1} MB, {result.Elapsed.TotalSeconds:F1} s"));
        foreach (var f in result.Files)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {f,-18} {new FileInfo(Path.Combine(dir, f)).Length,15:N0} bytes"));
        }

        return flags.Has("--verify") ? Verify([dir], stdout) : CliApp.ExitOk;
    }

    /// <summary>A complete directory built from other settings is rebuilt, not skipped (says which setting differs).</summary>
    private static bool Matches(BuiltModel m, BuildRequest r, TextWriter stdout)
    {
        var mismatch =
            m.Preset != r.Preset ? $"preset {m.Preset}" :
            m.Seed != r.Seed ? $"seed {m.Seed}" :
            m.Dims != r.Dims ? "dimensions" :
            m.Format != r.Format ? $"format {m.Format.ToString().ToLowerInvariant()}" :
            m.Prepacked != r.Prepack ? $"prepacked {m.Prepacked}" :
            m.Sessions != r.Sessions ? $"sessions {m.Sessions}" :
            m.Format == ModelFormat.Onnx && m.Optimized != r.Optimize ? $"optimized {m.Optimized}" :
            m.Config.PrepackedFor is { } packedFor && PrepackTarget.Current(OrtEnv.Instance().GetVersionString()) is { } here && packedFor.MismatchWith(here) is { } why
                ? $"pre-packed weights that do not fit here ({why})" : null;
        if (mismatch is not null)
        {
            stdout.WriteLine($"model in {Path.GetFullPath(r.OutDir)} was built with {mismatch}; rebuilding.");
        }

        return mismatch is null;
    }

    public static int Verify(string[] args, TextWriter stdout)
    {
        var a = new CliArgs(args, new HashSet<string>(), new HashSet<string>());
        if (a.Positional.Count != 1 || !Directory.Exists(a.Positional[0]))
        {
            throw new UsageException(a.Positional.Count == 1 ? $"model directory {Path.GetFullPath(a.Positional[0])} does not exist." : "verify takes one argument: the model directory.");
        }

        var (create, prefill, argmax, distinct, positions) = BuiltModel.Load(a.Positional[0]).Verify();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verified: session created in {create.TotalMilliseconds:F0} ms, 8-token prefill {prefill.TotalMilliseconds:F0} ms, greedy ids {string.Join(' ', argmax)}, {distinct}/{positions} distinct argmax over the prompt's logit positions, logits finite"));
        return CliApp.ExitOk;
    }
}
