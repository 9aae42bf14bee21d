using System.Text.Json;
using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Cost;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Tuning;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>results.json as documented, and the commands that read it back: report and diff.</summary>
public sealed class SavedResultsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"loadgen-saved-{Guid.NewGuid():N}");

    public SavedResultsTests() => Directory.CreateDirectory(_dir);

    private static RequestRecord Cold(int index, double latency, double init, double weightLoad) => new()
    {
        Index = index,
        ScheduledMs = 0,
        SentMs = 0.5,
        LatencyMs = latency,
        ServiceMs = latency - 0.5,
        Outcome = RequestOutcome.Ok,
        StatusCode = 200,
        RequestId = $"id-{index}",
        Report = new ReportFields(latency - init, Math.Ceiling(latency), init, 3008, 160),
        Answer = new FunctionAnswer(131, 4, 20, 400, true, new InitBreakdown(init - 10, new Dictionary<string, double> { ["weight load"] = weightLoad })),
    };

    private static ResultsDocument Document(params RequestRecord[] requests) => new()
    {
        Command = "cold",
        StartedAt = new DateTimeOffset(2026, 12, 5, 7, 0, 0, TimeSpan.Zero),
        Target = "emulator http://127.0.0.1:5050/",
        Function = "llama",
        Architecture = LambdaPrices.X64,
        Prices = new LambdaPrices(),
        Variants = [new VariantResults("cold", null, requests)],
    };

    private async Task<string> SaveAsync(string name, ResultsDocument document)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        await ResultsJson.WriteAsync(document, Path.Combine(dir, ResultsJson.FileName), default);
        return dir;
    }

    [Fact]
    public async Task Results_json_has_the_documented_member_names_and_reads_back_equal()
    {
        var document = Document(Cold(0, 1000, 800, 300), new RequestRecord { Index = 1, ScheduledMs = 5, Outcome = RequestOutcome.FunctionError, ErrorType = "Sandbox.Timedout" });
        var dir = await SaveAsync("one", document);
        var path = Path.Combine(dir, ResultsJson.FileName);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        // The provisioned-concurrency prices are saved with the on-demand ones, under the names the README documents.
        var prices = root.GetProperty("prices");
        Assert.Equal(["perRequest", "x64PerGbSecond", "arm64PerGbSecond", "x64ProvisionedPerGbSecond", "arm64ProvisionedPerGbSecond",
            "x64ProvisionedDurationPerGbSecond", "arm64ProvisionedDurationPerGbSecond"], prices.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.0000097222m, prices.GetProperty("x64ProvisionedDurationPerGbSecond").GetDecimal());
        var first = root.GetProperty("variants")[0].GetProperty("requests")[0];
        Assert.Equal(1000, first.GetProperty("latencyMs").GetDouble());
        Assert.Equal("ok", first.GetProperty("outcome").GetString());
        Assert.True(first.GetProperty("cold").GetBoolean());
        Assert.Equal(800, first.GetProperty("report").GetProperty("initDurationMs").GetDouble());
        Assert.Equal(300, first.GetProperty("answer").GetProperty("init").GetProperty("phases").GetProperty("weight load").GetDouble());
        var second = root.GetProperty("variants")[0].GetProperty("requests")[1];
        Assert.Equal("function_error", second.GetProperty("outcome").GetString());
        Assert.False(second.TryGetProperty("latencyMs", out _)); // nulls are left out

        var back = await ResultsJson.ReadAsync(path, default);
        Assert.Equal(document.Variants[0].Requests[0] with { Answer = null }, back.Variants[0].Requests[0] with { Answer = null });
        Assert.Equal(300, back.Variants[0].Requests[0].Answer!.Init!.Phases["weight load"]);
    }

    [Fact]
    public async Task A_newer_schema_is_refused_by_name()
    {
        var path = Path.Combine(_dir, ResultsJson.FileName);
        await ResultsJson.WriteAsync(Document() with { Schema = 99 }, path, default);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ResultsJson.ReadAsync(path, default));
        Assert.Contains("schema 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_renders_the_saved_figures_and_checks_thresholds_on_them()
    {
        var dir = await SaveAsync("r", Document(Cold(0, 1000, 800, 300), Cold(1, 3000, 2500, 900)));
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(["report", dir, "-t", "cold.max<2000", "--out", Path.Combine(_dir, "again")]);

        Assert.Equal(1, exit);
        Assert.Matches(@"FAIL cold: cold.max<2000 \(measured 300[0-3]\)", console.Output); // 3,000 ms, as the upper edge of its HDR bucket
        Assert.Contains("weight load", console.Output, StringComparison.Ordinal);
        Assert.Contains("| weight load | 600 |", await File.ReadAllTextAsync(Path.Combine(_dir, "again", MarkdownWriter.FileName)), StringComparison.Ordinal);
    }

    private static ResultsDocument Tune(TuneSetup? setup) => Document() with
    {
        Command = "tune",
        Tune = setup,
        // 1,024 MB: slower (p50 1,000 ms) and cheaper (1 GB × 1 s); 3,008 MB: faster (400 ms) and dearer (2.9 GB × 0.4 s).
        Variants =
        [
            new VariantResults("1024 MB", 1024, [Cold(0, 1000, 800, 300) with { Report = new ReportFields(1000, 1000, null, 1024, 150) }]),
            new VariantResults("3008 MB", 3008, [Cold(0, 400, 300, 100) with { Report = new ReportFields(400, 400, null, 3008, 150) }]),
        ],
    };

    [Theory]
    [InlineData(TuneStrategy.Cost, "Recommended 1024 MB (cost)")]
    [InlineData(TuneStrategy.Speed, "Recommended 3008 MB (speed)")]
    public async Task Report_of_a_tune_result_recomputes_the_recommendation_with_the_saved_strategy(TuneStrategy strategy, string expected)
    {
        var dir = await SaveAsync($"tune-{strategy}", Tune(new TuneSetup { Strategy = strategy, Weight = 0.5 }));
        var again = Path.Combine(_dir, $"again-{strategy}");
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(["report", dir, "--out", again]);

        Assert.True(exit == 0, console.Output);
        Assert.Contains(expected, console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("assumed", console.Output, StringComparison.Ordinal);
        // Each size's invoke was warm: the container crossover is said for each (at Fargate's prices: none were saved).
        Assert.Contains("1024 MB: an always-on container of 0.58 vCPU and 1 GB", console.Output, StringComparison.Ordinal);
        Assert.Contains("3008 MB: an always-on container of 1.7 vCPU and 2.94 GB", console.Output, StringComparison.Ordinal);
        Assert.Contains("- " + expected, await File.ReadAllTextAsync(Path.Combine(again, MarkdownWriter.FileName)), StringComparison.Ordinal);
        Assert.Equal(strategy, (await ResultsJson.ReadAsync(Path.Combine(again, ResultsJson.FileName), default)).Tune!.Strategy);
    }

    [Fact]
    public async Task Report_of_a_tune_result_saved_without_its_strategy_says_the_default_is_assumed()
    {
        var dir = await SaveAsync("tune-old", Tune(null));
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(["report", dir]);

        Assert.True(exit == 0, console.Output);
        Assert.Contains("(balanced, weight 0.5 on cost)", console.Output, StringComparison.Ordinal);
        Assert.Contains("not saved", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_shows_each_figure_side_by_side_with_its_change()
    {
        var before = await SaveAsync("before", Document(Cold(0, 2000, 1600, 1000)));
        var after = await SaveAsync("after", Document(Cold(0, 1000, 800, 250)));
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(["diff", before, after]);

        Assert.True(exit == 0, console.Output);
        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("cold p50 (ms)", StringComparison.Ordinal) && l.Contains("-50.0 %", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("init: weight load (ms)", StringComparison.Ordinal) && l.Contains("-75.0 %", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("cold starts", StringComparison.Ordinal) && l.Contains("0.0 %", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(100.0, 150.0, "+50.0 %")]
    [InlineData(100.0, 100.0, "0.0 %")]
    [InlineData(0.0, 5.0, "-")]
    [InlineData(double.NaN, 5.0, "-")]
    public void Change_is_relative_to_the_first(double from, double to, string expected)
    {
        Assert.Equal(expected, DiffTables.Change(from, to));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
