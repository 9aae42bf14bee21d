using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Telemetry;
using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>compare's table on a synthetic run (<see cref="CompareSample"/>), its variants' syntax, and report/diff on its results.</summary>
public sealed class CompareTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadgen-compare-").FullName;

    private static string Cell(FigureTable table, string label, int column) =>
        table.Rows.Single(r => r[0].StartsWith(label, StringComparison.Ordinal))[column];

    [Fact]
    public void Variants_are_a_function_and_optionally_a_memory_size()
    {
        Assert.Equal(new CompareVariant("llama-jit", LambdaLimits.MaxMemoryMb), CompareVariant.Parse($"llama-jit@{LambdaLimits.MaxMemoryMb}"));
        Assert.Equal(new CompareVariant("llama-vanilla", null), CompareVariant.Parse("llama-vanilla"));
        Assert.Throws<FormatException>(() => CompareVariant.Parse($"llama@{LambdaLimits.MaxMemoryMb + 1}"));
        Assert.Throws<FormatException>(() => CompareVariant.Parse("@1024"));
        Assert.Throws<FormatException>(() => CompareVariant.Parse("llama@lots"));
        Assert.Throws<FormatException>(() => CompareVariant.Parse("llama@1024+WARMUP"));
    }

    [Fact]
    public void Variants_may_set_variables_literally_or_from_another_function()
    {
        var variant = CompareVariant.Parse("llama-jit@10240+MODEL_DIR=@llama-aot+LLAMA_WARMUP=1");
        Assert.Equal("llama-jit", variant.Function);
        Assert.Equal(10240, variant.MemorySizeMb);
        Assert.Equal([new("MODEL_DIR", "@llama-aot"), new("LLAMA_WARMUP", "1")], variant.Environment);
        Assert.Equal("llama-jit@10240+MODEL_DIR=@llama-aot+LLAMA_WARMUP=1", variant.NameAt(10240));
        Assert.Equal("llama-jit@3008", CompareVariant.Parse("llama-jit").NameAt(3008));
        Assert.Equal("llama-jit+LLAMA_WARMUP=1", CompareVariant.Parse("llama-jit+LLAMA_WARMUP=1").Label);
    }

    [Fact]
    public void The_default_ladder_changes_one_technique_per_step()
    {
        // vanilla → memory → packaged instead of S3 → the model format (llama-aot's pre-packed model) → Native AOT.
        Assert.Equal(["llama-vanilla", "llama-vanilla@10240", "llama-jit@10240", "llama-jit@10240+MODEL_DIR=@llama-aot", "llama-aot@10240"],
            CompareVariant.Defaults.Select(v => v.Label));
    }

    [Fact]
    public void A_baseline_without_a_cold_start_hands_the_ratio_to_the_first_variant_that_had_one_and_says_so()
    {
        var sample = CompareSample.Document();
        // The vanilla build ran out of memory on every cold start (the 1B model at 1,769 MB does).
        var failed = sample.Variants[0].Requests.Select(r => r with { Outcome = RequestOutcome.FunctionError, ErrorType = "Runtime.OutOfMemory", Answer = null }).ToList();
        var document = sample with { Variants = [sample.Variants[0] with { Requests = failed }, sample.Variants[1]] };

        var (table, notes) = CompareTable.Build(document, CompareSample.Summaries(document));

        Assert.Equal("-", Cell(table, "cold p50 ÷ baseline", 1));
        Assert.Equal("1.00×", Cell(table, "cold p50 ÷ baseline", 2));
        Assert.Contains(notes, n => n.Contains($"The baseline llama-vanilla@1024 had no successful cold start, so \"÷ baseline\" is over llama-aot@{LambdaLimits.MaxMemoryMb}", StringComparison.Ordinal));
    }

    [Fact]
    public void The_table_has_the_ratio_to_the_baseline_the_caps_the_download_estimate_and_the_crossover()
    {
        var document = CompareSample.Document();
        var (table, notes) = CompareTable.Build(document, CompareSample.Summaries(document));

        Assert.Equal(["", "llama-vanilla@1024", $"llama-aot@{LambdaLimits.MaxMemoryMb}"], table.Columns);
        Assert.Equal("1.00×", Cell(table, "cold p50 ÷ baseline", 1));
        Assert.Equal("0.25×", Cell(table, "cold p50 ÷ baseline", 2)); // 500 ÷ 2,000
        Assert.Equal("0.58 / 0.58", Cell(table, "vCPUs", 1));           // 1,024 ÷ 1,769, under the 2 cores
        Assert.Equal("5.79 / 2 (capped)", Cell(table, "vCPUs", 2));
        Assert.Equal("vCPU capped at 2", Cell(table, "emulated", 2));
        Assert.Equal("S3 on loopback", Cell(table, "emulated", 1));
        Assert.Equal("300", Cell(table, $"init: {FunctionTelemetryNames.ModelDownloadSpan} (ms", 1));
        Assert.Equal("~10000", Cell(table, $"init: {FunctionTelemetryNames.ModelDownloadSpan} at 90 MB/s (estimate", 1)); // 900 MB ÷ 90 MB/s
        Assert.Equal("-", Cell(table, $"init: {FunctionTelemetryNames.ModelDownloadSpan} at", 2));
        Assert.Equal("50", Cell(table, "init: platform init (REPORT Init Duration − function init total)", 1));
        Assert.Equal("40", Cell(table, "first prefill", 2)); // the cold start's, not the warm invokes' 10 ms
        Assert.Equal("950", Cell(table, "init total, function", 1)); // REPORT's 1,000 ms less the platform's 50
        Assert.Equal("$10.00", Cell(table, "$ per 1M requests (warm)", 1));  // 1 s × 1 GB × $0.00001
        Assert.Equal("$25.00", Cell(table, "$ per 1M requests (warm)", 2));  // 0.25 s × 10 GB × $0.00001
        Assert.Equal("1", Cell(table, "always-on container", 1));              // $0.00001/s ÷ $0.00001
        Assert.Equal("4", Cell(table, "always-on container", 2));              // $0.0001/s ÷ $0.000025
        Assert.Contains(notes, n => n.StartsWith("llama-vanilla@1024: an always-on container", StringComparison.Ordinal) && n.Contains("above 1 requests/s", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("estimate at 90 MB/s for 900 MB", StringComparison.Ordinal)
            && n.Contains($"llama-aot@{LambdaLimits.MaxMemoryMb} is above them, so it ran on 2 (capped)", StringComparison.Ordinal));
        Assert.DoesNotContain(table.Rows, r => r[0].StartsWith("provisioned", StringComparison.Ordinal));
    }

    [Fact]
    public void Provisioned_concurrency_adds_its_break_even_and_a_sentence()
    {
        var document = CompareSample.Document(provisioned: 1);
        var (table, notes) = CompareTable.Build(document, CompareSample.Summaries(document));

        // Default provisioned prices against the sample's $0.00001 on-demand: 0.0000041667 ÷ (1 s × (0.00001 − 0.0000097222)) = 15
        // requests/s, beyond the 1 request/s one environment serves at 1 s: never.
        Assert.Equal("never", Cell(table, "provisioned ×1", 1));
        Assert.Contains(notes, n => n.StartsWith("llama-vanilla@1024: 1 provisioned environment(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_and_diff_take_a_compare_run_and_the_crossover_chart_is_drawn()
    {
        // A skipped variant's note is in no request: it is saved with the results so report prints it as compare did.
        const string Skipped = "llama-vanilla: skipped, the target has no such function (404).";
        var document = CompareSample.Document(provisioned: 1) with { Notes = [Skipped] };
        var first = Path.Combine(_dir, "first");
        using (var console = new TestConsole())
        {
            Assert.Equal(0, await Reporting.FinishAsync(console.Console, document, [], first));
            Assert.Contains("always-on container", console.Output, StringComparison.Ordinal);
            Assert.Contains(Skipped, console.Output, StringComparison.Ordinal);
        }

        foreach (var file in (string[])["results.json", "summary.md", "report.html", "crossover.svg", "crossover.png", "init-breakdown.svg", "latency-cdf.svg"])
        {
            Assert.True(File.Exists(Path.Combine(first, file)), $"{file} not written");
        }

        var saved = await ResultsJson.ReadAsync(Path.Combine(first, ResultsJson.FileName), default);
        Assert.Equal(document.Compare, saved.Compare);
        Assert.Equal("llama-aot", saved.Variants[1].Function);

        var second = Path.Combine(_dir, "second");
        using (var console = new TestConsole())
        {
            Assert.Equal(0, await LoadGenApp.Create(console.Console).RunAsync(["report", first, "--out", second]));
            Assert.Contains("cold p50 ÷ baseline", console.Output, StringComparison.Ordinal);
            Assert.Contains(Skipped, console.Output, StringComparison.Ordinal);
            Assert.Contains("llama-vanilla@1024: an always-on container", console.Output, StringComparison.Ordinal);
        }

        var again = await File.ReadAllTextAsync(Path.Combine(second, MarkdownWriter.FileName));
        Assert.Contains("cold p50 ÷ baseline", again, StringComparison.Ordinal);
        Assert.Contains("- " + Skipped, again, StringComparison.Ordinal);
        Assert.Equal([Skipped], (await ResultsJson.ReadAsync(Path.Combine(second, ResultsJson.FileName), default)).Notes);
        using (var console = new TestConsole())
        {
            Assert.Equal(0, await LoadGenApp.Create(console.Console).RunAsync(["diff", first, second]));
            Assert.Contains("llama-aot@", console.Output, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
