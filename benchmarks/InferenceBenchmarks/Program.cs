using System.Diagnostics;
using System.Globalization;
using LlamaAspire.Benchmarks;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LlamaModel;
using LlamaAspire.Otlp;
using LlamaAspire.TestInfrastructure;
using Spectre.Console;

// Cold-start and generation benchmark for the inference function. Usage and results: docs/benchmarks.md.
if (args.Length > 0 && args[0] == GenAiChild.Flag)
{
    Environment.Exit(GenAiChild.Run(args[1..]));
}

var options = BenchmarkOptions.Parse(args);
var repo = BenchmarkOptions.FindRepositoryRoot();
var artifacts = Path.Combine(repo, "artifacts", "bench");

AnsiConsole.MarkupLine($"[bold]LlamaAspire inference benchmark[/] — preset [blue]{options.Preset}[/], {options.Runs} cold starts per variant, {Environment.ProcessorCount} cores");

// 1. Inputs: the model in each format, the AOT bootstrap, and an empty AOT program for the start-up floor.
var variants = new List<(string Name, string ModelDir, IReadOnlyDictionary<string, string> Environment)>();
foreach (var variant in options.Variants)
{
    var (model, environment) = ModelVariants.Parse(variant);
    var modelDir = Path.Combine(repo, "models", $"{options.Preset}-{model}");
    if (variants.All(v => v.ModelDir != modelDir))
    {
        Shell.Run("dotnet", $"run -c Release --project src/ModelBuilder -- build --preset {options.Preset} --out {modelDir} {ModelVariants.BuilderFlags(model)} --if-missing", repo);
    }

    variants.Add((variant, modelDir, environment));
}

var functionDir = Path.Combine(artifacts, "function");
var helloDir = Path.Combine(artifacts, "hello");
if (!options.SkipPublish)
{
    Shell.Run("dotnet", $"publish src/InferenceFunction -c Release -r linux-x64 -o {functionDir}", repo);
    Shell.Run("dotnet", $"publish benchmarks/HelloAot -c Release -r linux-x64 -o {helloDir}", repo);
}

// 2. Floors, measured now on this machine.
var threads = Math.Min(Math.Min(6, Math.Max(1, options.MemorySizeMb / 1769)), Environment.ProcessorCount);
var bandwidth = Floors.MemoryReadBandwidth(threads);
var helloStart = Floors.ProcessStart(Path.Combine(helloDir, "HelloAot"), runs: 20);

// 3. Cold starts, against a Runtime API of the benchmark's own (one invoke at a time, as one execution environment sees
//    them) and an OTLP receiver for the function's init spans.
await using var runtimeApi = await FakeRuntimeApi.StartAsync();
runtimeApi.InvokedFunctionArn = FunctionArn.For("us-east-1", "123456789012", "benchmark").ToString();
await using var otlp = await OtlpReceiver.StartAsync();
var runner = new ColdStartRunner(runtimeApi, otlp, Path.Combine(functionDir, "bootstrap"), options.MemorySizeMb);
var prompt = "hello" + string.Concat(Enumerable.Repeat(" hello", options.PromptTokens - 2)); // + BOS = PromptTokens
var results = new List<ColdStartResult>();
var floors = new Dictionary<string, (long Bytes, TimeSpan Read, double DecodeBytes)>();
var genAiResults = new List<(string Variant, GenAiResult Result)>();
var genAiSkipped = new Dictionary<string, string>();
foreach (var (name, modelDir, environment) in variants)
{
    var files = Directory.GetFiles(modelDir, "model.*");
    floors[name] = (files.Sum(f => new FileInfo(f).Length), Floors.PageCacheRead(files), DecodeBytes.PerToken(ModelDirectory.Load(modelDir)));
    for (var run = 0; run < options.Runs; run++)
    {
        var result = await runner.RunAsync(name, modelDir, environment, prompt, options.MaxTokens);
        results.Add(result);
        AnsiConsole.MarkupLine($"  {name} run {run + 1}: ready in {result.StartToReady.TotalMilliseconds:F0} ms, TTFT {result.TimeToFirstTokenMs:F0} ms, {result.DecodeTokensPerSecond:F2} tok/s");
    }

    // ONNX Runtime GenAI on the very same directory, same prompt ids, same threads, one fresh process per run.
    if (options.GenAi && GenAiRunner.CannotRun(modelDir) is { } why)
    {
        genAiSkipped[name] = why;
    }
    else if (options.GenAi && environment.Count > 0)
    {
        genAiSkipped[name] = "same model as without the function's variables (GenAI does not read them)";
    }
    else if (options.GenAi)
    {
        for (var run = 0; run < options.Runs; run++)
        {
            var genAi = await GenAiRunner.RunAsync(modelDir, prompt, threads, options.MaxTokens);
            genAiResults.Add((name, genAi));
            AnsiConsole.MarkupLine($"  {name} GenAI run {run + 1}: loaded in {genAi.LoadMs:F0} ms, TTFT {genAi.TimeToFirstTokenMs:F0} ms, {genAi.DecodeTokensPerSecond:F2} tok/s");
        }
    }
}

var markdown = Report.Print(options, results, floors, helloStart, bandwidth, threads, genAiResults, genAiSkipped);
var markdownPath = Path.Combine(artifacts, $"results-{options.Preset}.md");
await File.WriteAllTextAsync(markdownPath, markdown);
AnsiConsole.MarkupLineInterpolated($"Markdown table written to [blue]{markdownPath}[/]");

internal sealed record BenchmarkOptions(string Preset, int Runs, int PromptTokens, int MaxTokens, int MemorySizeMb, IReadOnlyList<string> Variants, bool SkipPublish, bool GenAi)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--skip-publish" or "--no-genai")
            {
                flags.Add(args[i]);
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown argument '{args[i]}'. Options: --preset, --runs, --prompt-tokens, --max-tokens, --memory-size, --variants, --skip-publish, --no-genai.");
            }
        }

        int Int(string key, int fallback) => values.TryGetValue(key, out var v)
            ? int.Parse(v, CultureInfo.InvariantCulture)
            : fallback;

        return new BenchmarkOptions(
            values.GetValueOrDefault("--preset", "llama-3.2-1b"),
            Int("--runs", 3),
            Int("--prompt-tokens", 128),
            Int("--max-tokens", 32),
            Int("--memory-size", 10240),
            values.GetValueOrDefault("--variants", string.Join(',', ModelVariants.All)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            flags.Contains("--skip-publish"),
            !flags.Contains("--no-genai"));
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaAspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the LlamaAspire repository (LlamaAspire.sln not found above the build output).");
    }
}

/// <summary>The model-builder variants the benchmark compares, by name (each is a set of builder flags).</summary>
internal static class ModelVariants
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["onnx"] = "--format onnx",
        ["onnx-external"] = "--format onnx --external-data",
        ["onnx-prepacked"] = "--format onnx --prepack",
        ["ort"] = "--format ort",
        ["onnx-sessions2"] = "--format onnx --sessions 2",
        ["ort-last"] = "--format ort --prefill-logits last",
        ["onnx-prepacked-last"] = "--format onnx --prepack --prefill-logits last",
        ["ort-q4emb-last"] = "--format ort --embedding int4 --prefill-logits last",
        ["onnx-prepacked-q4emb-last"] = "--format onnx --prepack --embedding int4 --prefill-logits last",
        ["onnx-optimized-q4emb-last"] = "--format onnx --optimize --embedding int4 --prefill-logits last",
        ["onnx-portable-q4emb-last"] = "--format onnx --optimize --external-data --embedding int4 --prefill-logits last", // what a pre-packed model deploys as
    };

    public static IEnumerable<string> All => Flags.Keys;

    /// <summary>
    /// <c>model[+NAME=VALUE]…</c>: a model variant and variables for the function's process, so a function setting is
    /// measured against the same model side by side (e.g. <c>ort-last+LLAMA_PARALLEL_PREPACK=0</c>).
    /// </summary>
    public static (string Model, IReadOnlyDictionary<string, string> Environment) Parse(string variant)
    {
        var parts = variant.Split('+');
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in parts.Skip(1))
        {
            var eq = assignment.IndexOf('=');
            if (eq <= 0)
            {
                throw new ArgumentException($"Variant '{variant}': '+{assignment}' is not +NAME=VALUE.");
            }

            environment[assignment[..eq]] = assignment[(eq + 1)..];
        }

        BuilderFlags(parts[0]); // an unknown model variant is refused here, before anything is built
        return (parts[0], environment);
    }

    public static string BuilderFlags(string variant) => Flags.TryGetValue(variant, out var flags)
        ? flags
        : throw new ArgumentException($"Unknown variant '{variant}' in --variants. Known: {string.Join(", ", Flags.Keys)}.");
}

internal static class Shell
{
    public static void Run(string file, string arguments, string workingDirectory)
    {
        AnsiConsole.MarkupLineInterpolated($"[grey]$ {file} {arguments}[/]");
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not start {file}.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' failed with exit code {process.ExitCode}.");
        }
    }
}
