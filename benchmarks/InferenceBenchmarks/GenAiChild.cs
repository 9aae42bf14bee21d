using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace LlamaAspire.Benchmarks;

/// <summary>What ONNX Runtime GenAI measured in one fresh process on one model directory (printed by the child as JSON).</summary>
internal sealed record GenAiResult(
    double ModelLoadMs,
    double LoadMs,
    double StartToReadyMs,
    double TimeToFirstTokenMs,
    int GeneratedTokens,
    double DecodeTokensPerSecond,
    long PeakRssBytes);

/// <summary>
/// The benchmark's child mode (<c>--genai-child dir threads maxTokens id,id,…</c>): ONNX Runtime GenAI's own loop on the model
/// directory, in a process of its own so load and peak RSS are a cold start's — Model + Tokenizer (GenAI's "ready"), then the
/// same prompt ids the function gets, greedy: AppendTokens (prefill) and the first GenerateNextToken are time to first token,
/// the rest decode.
/// </summary>
internal static class GenAiChild
{
    public const string Flag = "--genai-child";

    public static int Run(string[] args)
    {
        var modelDir = args[0];
        var threads = int.Parse(args[1], CultureInfo.InvariantCulture);
        var maxTokens = int.Parse(args[2], CultureInfo.InvariantCulture);
        var prompt = args[3].Split(',').Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToArray();

        var load = Stopwatch.StartNew();
        using var config = new Config(modelDir);
        config.Overlay("{\"model\":{\"decoder\":{\"session_options\":{\"intra_op_num_threads\":" + threads.ToString(CultureInfo.InvariantCulture) + "}}}}");
        using var model = new Model(config);
        var modelLoadMs = load.Elapsed.TotalMilliseconds;
        using var tokenizer = new Tokenizer(model);
        var loadMs = load.Elapsed.TotalMilliseconds;
        var startToReadyMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

        using var search = new GeneratorParams(model);
        search.SetSearchOption("max_length", prompt.Length + maxTokens);
        using var generator = new Generator(model, search);
        var first = Stopwatch.StartNew();
        generator.AppendTokens(prompt);
        generator.GenerateNextToken();
        var ttftMs = first.Elapsed.TotalMilliseconds;
        var decode = Stopwatch.StartNew();
        var generated = 1;
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            generated++;
        }

        var decodeSeconds = decode.Elapsed.TotalSeconds;
        var result = new GenAiResult(modelLoadMs, loadMs, startToReadyMs, ttftMs, generated,
            generated > 1 ? (generated - 1) / decodeSeconds : double.NaN, PeakRss.OfProcess(Environment.ProcessId));
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
