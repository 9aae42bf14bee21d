using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Output;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The container crossover for a plain run, not only compare: the sentence, the chart, the prices saved and said again by report.</summary>
public sealed class RunCrossoverTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("loadgen-run-crossover-").FullName;

    [Fact]
    public async Task A_steady_run_says_and_draws_its_crossover_and_report_says_it_again()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(20));
        using var console = new TestConsole();
        console.Console.Profile.Width = 1000;

        // Round prices: Lambda 20 ms billed × 1 GB × $0.00001, no request fee = $0.0000002 per request; the container $0.018 per
        // GB-hour only = $0.000005 per second, so it is cheaper above 0.000005 ÷ 0.0000002 = 25 requests/s (one serves 50/s at 20 ms).
        var exit = await LoadGenApp.Create(console.Console).RunAsync(["run", "steady", "-e", server.Address.ToString(), "-f", "slow", "--rate", "20", "-n", "4",
            "--price-per-million-requests", "0", "--price-gb-second-x86", "0.00001", "--container-vcpu-hour", "0", "--container-gb-hour", "0.018",
            "--out", _out, "--no-progress"]);

        Assert.True(exit == 0, console.Output);
        const string Sentence = "steady: an always-on container of 0.58 vCPU and 1 GB ($0.0180/h at Fargate x86_64 prices) is cheaper than "
            + "Lambda's $0.20 per 1M warm requests (20 ms billed) above 25 requests/s";
        Assert.Contains(Sentence, console.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_out, "crossover.svg")) && File.Exists(Path.Combine(_out, "crossover.png")), "crossover chart not written");
        var saved = await ResultsJson.ReadAsync(Path.Combine(_out, ResultsJson.FileName), default);
        Assert.Equal(0.018m, saved.Container!.PerGbHour);
        Assert.Equal(0m, saved.Container.PerVcpuHour);

        using var again = new TestConsole();
        again.Console.Profile.Width = 1000;
        Assert.Equal(0, await LoadGenApp.Create(again.Console).RunAsync(["report", _out]));
        Assert.Contains(Sentence, again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_container_prices_are_refused_for_run_too()
    {
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(["run", "burst", "-f", "x", "--container-gb-hour", "-1"]);

        Assert.NotEqual(0, exit);
        Assert.NotEqual(1, exit);
        Assert.Contains("must not be negative", console.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);
}
