using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The command line in-process against the slow local target: exit codes, tables, files.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"loadgen-cli-{Guid.NewGuid():N}");

    [Fact]
    public async Task Run_burst_prints_tables_writes_files_and_fails_a_threshold_with_exit_1()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(20));
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(
            ["run", "burst", "-e", server.Address.ToString(), "-f", "slow", "--size", "3", "--bursts", "2", "--gap", "0.2",
             "--out", _out, "-t", "warm.p50<10000", "-t", "cold.count>=2"]);

        Assert.True(exit == 1, console.Output);
        Assert.Contains("PASS burst: warm.p50<10000", console.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL burst: cold.count>=2 (measured 1)", console.Output, StringComparison.Ordinal);
        Assert.Contains("cold p50 / p90 / p99 / max (ms)", console.Output, StringComparison.Ordinal);

        var document = await ResultsJson.ReadAsync(Path.Combine(_out, ResultsJson.FileName), default);
        Assert.Equal("run burst", document.Command);
        var requests = Assert.Single(document.Variants).Requests;
        Assert.Equal(6, requests.Count);
        Assert.All(requests, r => Assert.Equal(RequestOutcome.Ok, r.Outcome));
        Assert.Equal(1, requests.Count(r => r.Cold == true));
        Assert.All(requests.Skip(3), r => Assert.InRange(r.ScheduledMs, 200, 200));
        Assert.Equal(4, requests[0].Answer!.CompletionTokens);

        var markdown = await File.ReadAllTextAsync(Path.Combine(_out, MarkdownWriter.FileName));
        Assert.Contains("# LoadGen: run burst", markdown, StringComparison.Ordinal);
        Assert.Contains("| cold starts | 1 |", markdown, StringComparison.Ordinal);

        // report.html: self-contained — the tables and every SVG chart inline, nothing linked.
        var html = await File.ReadAllTextAsync(Path.Combine(_out, HtmlReport.FileName));
        Assert.Contains("<tr><td>cold starts</td><td>1</td></tr>", html, StringComparison.Ordinal);
        var svgs = Directory.GetFiles(_out, "*.svg");
        Assert.NotEmpty(svgs);
        Assert.Equal(svgs.Length, html.Split("<svg").Length - 1);
        Assert.DoesNotContain("<?xml", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_thresholds_passing_is_exit_0()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(1));
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(
            ["run", "steady", "-e", server.Address.ToString(), "-f", "slow", "--rate", "50", "-n", "5", "-t", "errors<1"]);

        Assert.True(exit == 0, console.Output);
        Assert.Contains("PASS steady: errors<1 (measured 0)", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_prints_and_writes_what_was_measured_and_exits_130()
    {
        // 10 per second against a 1 s target, stopped once two have been answered (≈ 1.2 s into the run): those answered, the
        // ten or so in flight cancelled. Stopped by what the server served, not by a timer started before the command: a
        // loaded machine can spend half a second starting the CLI, and a fixed timer then fired before any answer (a flake).
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromSeconds(1));
        using var console = new TestConsole();
        using var stop = new CancellationTokenSource();
        var stopper = Task.Run(async () =>
        {
            var giveUp = DateTime.UtcNow.AddSeconds(30); // a broken target fails the asserts below rather than hanging the test
            while (server.Served < 2 && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(20);
            }

            await Task.Delay(100); // the second answer reaches the client
            await stop.CancelAsync();
        });

        var exit = await LoadGenApp.Create(console.Console).RunAsync(
            ["run", "steady", "-e", server.Address.ToString(), "-f", "slow", "--rate", "10", "-n", "100", "--out", _out], stop.Token);
        await stopper;

        Assert.True(exit == 130, console.Output);
        Assert.Contains("Interrupted", console.Output, StringComparison.Ordinal);
        var document = await ResultsJson.ReadAsync(Path.Combine(_out, ResultsJson.FileName), default);
        Assert.True(document.Interrupted);
        var requests = Assert.Single(document.Variants).Requests;
        Assert.Contains(requests, r => r.Outcome == RequestOutcome.Cancelled);
        Assert.True(requests.Count(r => r.Outcome == RequestOutcome.Ok) >= 2, console.Output);
        Assert.InRange(requests.Count, 3, 30);
    }

    [Fact]
    public async Task Compare_with_no_function_there_says_so_and_exits_2()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(20));
        using var console = new TestConsole();
        console.Console.Profile.Width = 1000; // a note on one line

        // The slow target has no control plane: GetFunctionConfiguration answers 404, as for a function that does not exist.
        var exit = await LoadGenApp.Create(console.Console).RunAsync(["compare", "-e", server.Address.ToString(), "--variant", "slow",
            "--variant", CompareVariant.VanillaFunction, "--out", _out]);

        Assert.True(exit == CompareCommand.NothingMeasured, console.Output);
        var notes = console.Output.Split('\n');
        var slow = Assert.Single(notes, l => l.Contains("slow: skipped", StringComparison.Ordinal));
        Assert.Contains("slow: skipped, the target has no such function", slow, StringComparison.Ordinal);
        Assert.DoesNotContain("Node.js", slow, StringComparison.Ordinal); // the install step only where it helps
        // Without Node.js the AppHost has no llama-vanilla: the note says what it needs and how to install it.
        var vanilla = Assert.Single(notes, l => l.Contains($"{CompareVariant.VanillaFunction}: skipped", StringComparison.Ordinal));
        Assert.Contains("the target has no such function", vanilla, StringComparison.Ordinal);
        Assert.Contains("needs s3rver, the local S3", vanilla, StringComparison.Ordinal);
        Assert.Contains("Install Node.js 18 or later (e.g. apt-get install nodejs npm)", vanilla, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_out, ResultsJson.FileName)));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("compare", "--help")]
    [InlineData("run", "burst", "--help")]
    [InlineData("cold", "--help")]
    [InlineData("tune", "--help")]
    public async Task Help_renders(params string[] args)
    {
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(args);

        Assert.True(exit == 0, console.Output);
        Assert.Contains("USAGE", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "burst")]
    [InlineData("run", "sideways", "-f", "x")]
    [InlineData("run", "burst", "-f", "x", "-t", "cold.p95<1")]
    [InlineData("run", "replay", "-f", "x")]
    [InlineData("compare", "--variant", "llama@99999")]
    [InlineData("compare", "--variant", "@2048")]
    [InlineData("compare", "-k", "0", "-n", "0")]
    [InlineData("compare", "--s3-throughput", "0")]
    public async Task Bad_arguments_are_refused_before_anything_is_sent(params string[] args)
    {
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(args);

        Assert.NotEqual(0, exit);
        Assert.NotEqual(1, exit); // 1 is reserved for a failed threshold
        Assert.Contains("Error", console.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }
}
