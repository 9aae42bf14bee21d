using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.Hosting;

namespace LlamaAspire.AppHost.Tests;

/// <summary>LoadGen as a dashboard resource: its commands run it against the emulator, and the report is a link that opens.</summary>
[Collection(AppHostCollection.Name)]
public class LoadGenResourceTests(AppHostFixture fixture)
{
    [Fact]
    public async Task TheBurstCommand_MeasuresTheFunction_WritesResults_AndLinksAReportThePlaygroundServes()
    {
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync("loadgen", LoadGenBuilderExtensions.BurstCommand);
        Assert.True(result.Success, result.Message);

        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var loadgen = model.Resources.OfType<LoadGenResource>().Single();
        var run = Directory.GetDirectories(loadgen.OutputDirectory, "*-burst").Order(StringComparer.Ordinal).Last();
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run, "results.json")));
        Assert.Contains("cold", results.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);

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

        Assert.True(File.Exists(Path.Combine(run, LoadGenBuilderExtensions.ReportFile)));
    }
}
