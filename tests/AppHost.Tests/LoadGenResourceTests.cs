using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.Hosting;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Management;
using LlamaAspire.LambdaContracts.Telemetry;

namespace LlamaAspire.AppHost.Tests;

/// <summary>LoadGen as a dashboard resource: its commands run it against the emulator, and the report is a link that opens.</summary>
[Collection(AppHostCollection.Name)]
public class LoadGenResourceTests(AppHostFixture fixture)
{
    /// <summary>The function the AppHost's LoadGen measures with Burst (its <c>AddLoadGen</c> argument).</summary>
    private const string Measured = "llama-aot";

    [Fact]
    public async Task TheBurstCommand_MeasuresTheFunction_WritesResults_AndLinksAReportThePlaygroundServes()
    {
        // No environment left by another test: the first burst's four concurrent requests must each start one.
        await fixture.RecycleAsync(Measured);
        var coldBefore = await ColdStartsAsync();
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync("loadgen", LoadGenBuilderExtensions.BurstCommand);
        Assert.True(result.Success, result.Message);
        var coldStarted = await ColdStartsAsync() - coldBefore;

        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var loadgen = model.Resources.OfType<LoadGenResource>().Single();
        var run = Directory.GetDirectories(loadgen.OutputDirectory, "*-burst").Order(StringComparer.Ordinal).Last();
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run, "results.json")));
        var root = results.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.Equal("run burst", root.GetProperty("command").GetString());
        Assert.Equal(Measured, root.GetProperty("function").GetString());
        Assert.False(root.GetProperty("interrupted").GetBoolean());
        var variant = Assert.Single(root.GetProperty("variants").EnumerateArray());
        Assert.Equal("burst", variant.GetProperty("name").GetString());
        var requests = variant.GetProperty("requests").EnumerateArray().ToList();

        // The command's two bursts of four. The first meets no environment, so each of its four starts one (the function's
        // reserved concurrency is 4): four cold starts, as the emulator counted. The second, 5 s later, finds those warm —
        // or, where their init outlasted the gap (four inits on a loaded 2-core machine take longer), still busy, and with no
        // concurrency left it is throttled (429 TooManyRequestsException), never a fifth environment.
        Assert.Equal(8, requests.Count);
        Assert.All(requests.Take(4), r =>
        {
            Assert.Equal("ok", r.GetProperty("outcome").GetString());
            Assert.True(r.GetProperty("cold").GetBoolean(), $"request {r.GetProperty("index")} of the first burst was warm");
        });
        Assert.All(requests.Skip(4), r => Assert.True(
            r.GetProperty("outcome").GetString() == "ok" ? !r.GetProperty("cold").GetBoolean()
                : r.GetProperty("outcome").GetString() == "throttled" && r.GetProperty("errorType").GetString() == InvokeApi.Exceptions.TooManyRequests,
            $"second burst: {r.GetRawText()}"));
        var ok = requests.Where(r => r.GetProperty("outcome").GetString() == "ok").ToList();
        var cold = ok.Where(r => r.GetProperty("cold").GetBoolean()).ToList();
        var warm = ok.Where(r => !r.GetProperty("cold").GetBoolean()).ToList();
        Assert.Equal(4, coldStarted);
        Assert.Equal(coldStarted, cold.Count);
        Assert.Equal(ok.Count - 4, warm.Count);

        // Every cold start carries REPORT's Init Duration and the function's whole breakdown: each init phase (but the
        // warm-up, which only LLAMA_WARMUP runs, and the S3 download, which only the vanilla build has), the platform's part
        // and the first prefill; a warm invoke carries none of them.
        var phases = FunctionTelemetryNames.InitPhases.Where(p => p != FunctionTelemetryNames.WarmupSpan).ToList();
        foreach (var r in cold)
        {
            var initDuration = r.GetProperty("report").GetProperty("initDurationMs").GetDouble();
            var init = r.GetProperty("answer").GetProperty("init");
            var recorded = init.GetProperty("phases").EnumerateObject().Select(p => p.Name).ToList();
            Assert.True(phases.All(recorded.Contains), $"request {r.GetProperty("index")}: phases {string.Join(", ", recorded)}, expected {string.Join(", ", phases)}");
            Assert.All(init.GetProperty("phases").EnumerateObject(), p => Assert.True(p.Value.GetDouble() >= 0, $"{p.Name} {p.Value}"));
            var total = init.GetProperty("totalMs").GetDouble();
            Assert.InRange(total, 0.001, initDuration + 5);
            Assert.Equal(initDuration - total, r.GetProperty("platformInitMs").GetDouble(), 3);
            Assert.True(r.GetProperty("answer").GetProperty("prefillMs").GetDouble() > 0);
        }

        Assert.All(warm, r =>
        {
            Assert.False(r.GetProperty("report").TryGetProperty("initDurationMs", out _));
            Assert.False(r.GetProperty("answer").TryGetProperty("init", out _));
            Assert.False(r.TryGetProperty("platformInitMs", out _));
        });

        // The breakdown table has a row per phase and the two around them.
        var summary = await File.ReadAllTextAsync(Path.Combine(run, "summary.md"));
        foreach (var row in phases.Append("platform init (REPORT Init Duration − function init total)").Append("first prefill (the cold start's invoke)"))
        {
            Assert.Contains($"| {row} |", summary, StringComparison.Ordinal);
        }

        var notifications = fixture.App.Services.GetRequiredService<ResourceNotificationService>();
        var snapshot = await notifications.WaitForResourceAsync("loadgen", e => e.Snapshot.Urls.Any(u => u.Name == "Latest report"));
        var url = snapshot.Snapshot.Urls.Single(u => u.Name == "Latest report").Url;
        Assert.EndsWith($"/reports/{Path.GetFileName(run)}/report.html", url, StringComparison.Ordinal);
        using var http = new HttpClient();
        var html = await http.GetStringAsync(url);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheCompareCommand_MeasuresEveryVariant_InOneRun()
    {
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync("loadgen", LoadGenBuilderExtensions.CompareCommand);
        Assert.True(result.Success, result.Message);

        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var loadgen = model.Resources.OfType<LoadGenResource>().Single();
        var run = Directory.GetDirectories(loadgen.OutputDirectory, "*-compare").Order(StringComparer.Ordinal).Last();
        var summary = await File.ReadAllTextAsync(Path.Combine(run, "summary.md"));
        // The default ladder: each step changes one technique (llama-vanilla's steps only when Node.js ran s3rver).
        foreach (var variant in (string[])["llama-jit@10240", "llama-jit@10240+MODEL_DIR=@llama-aot", "llama-aot@10240"])
        {
            Assert.Contains(variant, summary, StringComparison.Ordinal);
        }

        // The charts a compare draws, each as a well-formed SVG (an <svg> document of the size drawn, with content) and PNG
        // (the signature and an IHDR of the same size), and every SVG inline in report.html.
        var report = await File.ReadAllTextAsync(Path.Combine(run, LoadGenBuilderExtensions.ReportFile));
        foreach (var chart in (string[])["latency-cdf", "init-breakdown", "crossover"])
        {
            var svg = XDocument.Load(Path.Combine(run, chart + ".svg"));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.Equal("900", svg.Root.Attribute("width")?.Value);
            Assert.Equal("520", svg.Root.Attribute("height")?.Value);
            Assert.True(svg.Root.Descendants().Count() > 20, $"{chart}.svg has {svg.Root.Descendants().Count()} elements");

            var png = await File.ReadAllBytesAsync(Path.Combine(run, chart + ".png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.Equal(900, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
            Assert.Equal(520, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
            Assert.True(png.Length > 5_000, $"{chart}.png is {png.Length} bytes");

            Assert.Contains($"<figcaption>{chart}</figcaption>", report, StringComparison.Ordinal);
        }

        Assert.Equal(3, report.Split("<svg").Length - 1);
    }

    private async Task<long> ColdStartsAsync() =>
        (await fixture.Emulator.GetFromJsonAsync(ManagementApi.FunctionPath(Measured), ManagementJsonContext.Default.FunctionView))!.ColdStarts;
}
