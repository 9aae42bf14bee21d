using System.Globalization;
using System.Text;
using Spectre.Console;

namespace LlamaAspire.Benchmarks;

/// <summary>
/// Prints the results beside their floors, with the ratios the targets are stated in, as a console table
/// and as Markdown (for docs/benchmarks.md). One column per variant, one row per measure.
/// </summary>
internal static class Report
{
    public static string Print(
        BenchmarkOptions options,
        List<ColdStartResult> results,
        Dictionary<string, (long Bytes, TimeSpan Read, double DecodeBytes)> floors,
        TimeSpan helloStart,
        double bandwidth,
        int threads,
        List<(string Variant, GenAiResult Result)> genAi,
        Dictionary<string, string> genAiSkipped)
    {
        var variants = results.Select(r => r.Variant).Distinct().ToList();
        var byVariant = variants.ToDictionary(v => v, v => results.Where(r => r.Variant == v).ToList());
        var rows = new List<(string Measure, Func<string, string> Value)>
        {
            ("model bytes on disk (MB)", v => F(floors[v].Bytes / 1048576.0)),
            ("process start → ready for /next (ms)", v => F(Median(byVariant[v], r => r.StartToReady.TotalMilliseconds))),
            ("  min – max (ms)", v => $"{F(byVariant[v].Min(r => r.StartToReady.TotalMilliseconds))} – {F(byVariant[v].Max(r => r.StartToReady.TotalMilliseconds))}"),
            ("function.init span (ms)", v => F(Median(byVariant[v], r => r.FunctionInit?.TotalMilliseconds ?? double.NaN))),
        };

        foreach (var phase in results.SelectMany(r => r.Phases.Select(p => p.Name)).Distinct())
        {
            rows.Add(($"  ▸ {phase} (ms)", v => F(Median(byVariant[v], r =>
                r.Phases.Where(p => p.Name == phase).Select(p => p.Duration.TotalMilliseconds).DefaultIfEmpty(double.NaN).First()))));
        }

        rows.Add(("end of init → handler start (ms)", v => F(Median(byVariant[v], r => r.InitEndToHandler?.TotalMilliseconds ?? double.NaN), "F2")));
        rows.Add(($"time to first token, {options.PromptTokens}-token prompt (ms)", v => F(Median(byVariant[v], r => r.TimeToFirstTokenMs))));
        rows.Add(("decode tokens/s", v => F(Median(byVariant[v], r => r.DecodeTokensPerSecond), "F2")));
        rows.Add(("peak RSS (MB)", v => F(Median(byVariant[v], r => r.PeakRssBytes / 1048576.0))));
        rows.Add(("floor: AOT hello start + page-cache read of the model (ms)", v => F(InitFloor(v))));
        rows.Add(("ready ÷ floor", v => F(Median(byVariant[v], r => r.StartToReady.TotalMilliseconds) / InitFloor(v), "F2") + "×"));
        rows.Add(("bytes read per generated token (MB)", v => F(floors[v].DecodeBytes / 1048576.0)));
        rows.Add(("decode bound: bandwidth ÷ bytes per token (tok/s)", v => F(bandwidth / floors[v].DecodeBytes, "F2")));
        rows.Add(("decode: measured ÷ bound", v => F(Median(byVariant[v], r => r.DecodeTokensPerSecond) / (bandwidth / floors[v].DecodeBytes), "F2") + "×"));

        // ONNX Runtime GenAI on the same directory: its figures, then ours ÷ its (cold TTFT: lower is better for us; decode: higher).
        double G(string v, Func<GenAiResult, double> value) => Median(genAi.Where(g => g.Variant == v).Select(g => value(g.Result)));
        double OursColdTtft(string v) => Median(byVariant[v], r => r.StartToReady.TotalMilliseconds + r.TimeToFirstTokenMs);
        string Skipped(string v, string text) => genAiSkipped.ContainsKey(v) ? "not run" : text;
        rows.Add(("GenAI: Model + Tokenizer load (ms)", v => Skipped(v, F(G(v, g => g.LoadMs)))));
        rows.Add(("GenAI: process start → ready (ms, JIT host)", v => Skipped(v, F(G(v, g => g.StartToReadyMs)))));
        rows.Add(($"GenAI: time to first token, {options.PromptTokens}-token prompt (ms)", v => Skipped(v, F(G(v, g => g.TimeToFirstTokenMs)))));
        rows.Add(("GenAI: decode tokens/s", v => Skipped(v, F(G(v, g => g.DecodeTokensPerSecond), "F2"))));
        rows.Add(("GenAI: peak RSS (MB)", v => Skipped(v, F(G(v, g => g.PeakRssBytes / 1048576.0)))));
        rows.Add(("cold TTFT (start → ready + TTFT): ours ÷ GenAI", v => Skipped(v, F(OursColdTtft(v) / G(v, g => g.StartToReadyMs + g.TimeToFirstTokenMs), "F2") + "×")));
        rows.Add(("decode tokens/s: ours ÷ GenAI", v => Skipped(v, F(Median(byVariant[v], r => r.DecodeTokensPerSecond) / G(v, g => g.DecodeTokensPerSecond), "F2") + "×")));

        var table = new Table().Title($"{options.Preset}: median of {options.Runs} cold starts per variant, {threads} intra-op threads");
        table.AddColumn("measure");
        foreach (var variant in variants)
        {
            table.AddColumn(new TableColumn(variant).RightAligned());
        }

        foreach (var (measure, value) in rows)
        {
            table.AddRow([Markup.Escape(measure), .. variants.Select(value)]);
        }

        AnsiConsole.Write(table);
        var floorsLine = $"Floors in the same run: AOT hello-world start → exit {helloStart.TotalMilliseconds:F1} ms (median of 20); " +
            $"memory read bandwidth {bandwidth / 1e9:F2} GB/s ({threads} threads); page-cache read " +
            string.Join(", ", floors.Select(f => $"{f.Key} {f.Value.Read.TotalMilliseconds:F0} ms ({f.Value.Bytes / f.Value.Read.TotalSeconds / 1e9:F2} GB/s)")) +
            $"; prompt tokens as counted by the function: {string.Join(", ", results.Select(r => r.PromptTokens).Distinct())}." +
            string.Concat(genAiSkipped.Select(kv => $" GenAI did not run {kv.Key}: {kv.Value}."));
        AnsiConsole.WriteLine(floorsLine);

        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"| measure | {string.Join(" | ", variants)} |");
        markdown.AppendLine(CultureInfo.InvariantCulture, $"| --- |{string.Concat(variants.Select(_ => " ---: |"))}");
        foreach (var (measure, value) in rows)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {measure} | {string.Join(" | ", variants.Select(value))} |");
        }

        markdown.AppendLine().AppendLine(floorsLine);
        return markdown.ToString();

        double InitFloor(string variant) => helloStart.TotalMilliseconds + floors[variant].Read.TotalMilliseconds;
    }

    private static double Median(List<ColdStartResult> runs, Func<ColdStartResult, double> value) => Median(runs.Select(value));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static string F(double value, string format = "F0") =>
        double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture);
}
