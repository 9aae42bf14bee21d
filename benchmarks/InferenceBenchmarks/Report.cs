using Spectre.Console;

namespace LlamaAspire.Benchmarks;

/// <summary>Prints the results beside their floors, with the ratios the targets are stated in.</summary>
internal static class Report
{
    public static void Print(
        BenchmarkOptions options,
        List<ColdStartResult> results,
        Dictionary<string, (long Bytes, TimeSpan Read)> floors,
        TimeSpan helloStart,
        double bandwidth,
        int threads)
    {
        var phaseNames = results.SelectMany(r => r.Phases.Select(p => p.Name)).Distinct().ToList();
        var table = new Table().Title($"Cold start, {options.Preset}, median of {options.Runs} (ms unless stated)");
        table.AddColumn("variant");
        table.AddColumn("start → ready");
        table.AddColumn("function.init");
        foreach (var phase in phaseNames)
        {
            table.AddColumn(phase);
        }

        table.AddColumns("TTFT", "decode tok/s", "peak RSS MB", "floor (start + read)", "ready ÷ floor");
        foreach (var group in results.GroupBy(r => r.Variant))
        {
            var runs = group.ToList();
            var ready = Median(runs.Select(r => r.StartToReady.TotalMilliseconds));
            var floor = helloStart.TotalMilliseconds + floors[group.Key].Read.TotalMilliseconds;
            var row = new List<string>
            {
                group.Key,
                F(ready),
                F(Median(runs.Select(r => r.FunctionInit?.TotalMilliseconds ?? double.NaN))),
            };
            row.AddRange(phaseNames.Select(phase => F(Median(runs.Select(r =>
                r.Phases.Where(p => p.Name == phase).Select(p => p.Duration.TotalMilliseconds).DefaultIfEmpty(double.NaN).First())))));
            row.Add(F(Median(runs.Select(r => r.TimeToFirstTokenMs))));
            row.Add(Median(runs.Select(r => r.DecodeTokensPerSecond)).ToString("F2"));
            row.Add(F(Median(runs.Select(r => r.PeakRssBytes / 1048576.0))));
            row.Add(F(floor));
            row.Add((ready / floor).ToString("F2") + "×");
            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);

        var floorTable = new Table().Title("Floors measured in the same run");
        floorTable.AddColumns("floor", "value");
        floorTable.AddRow("AOT hello-world process start → exit (median of 20)", $"{helloStart.TotalMilliseconds:F1} ms");
        foreach (var (variant, (bytes, read)) in floors)
        {
            floorTable.AddRow($"read {variant} model bytes once from the page cache ({bytes / 1048576.0:F0} MB)",
                $"{read.TotalMilliseconds:F0} ms ({bytes / read.TotalSeconds / 1e9:F2} GB/s)");
        }

        floorTable.AddRow($"memory read bandwidth ({threads} threads)", $"{bandwidth / 1e9:F2} GB/s");
        foreach (var group in results.GroupBy(r => r.Variant))
        {
            var bound = bandwidth / floors[group.Key].Bytes;
            var measured = Median(group.Select(r => r.DecodeTokensPerSecond));
            floorTable.AddRow($"decode bound for {group.Key} (bandwidth ÷ model bytes)", $"{bound:F2} tok/s; measured {measured:F2} = {measured / bound:P0} of bound");
        }

        var prompts = results.Select(r => r.PromptTokens).Distinct();
        floorTable.AddRow("prompt tokens (as the function counted them)", string.Join(", ", prompts));
        AnsiConsole.Write(floorTable);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static string F(double value) => double.IsNaN(value) ? "—" : value.ToString("F0");
}
