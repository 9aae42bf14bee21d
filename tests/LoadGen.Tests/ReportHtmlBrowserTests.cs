using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Output;
using Microsoft.Playwright;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>report.html of a compare run opened in headless chromium: every chart is drawn with a size, the tables are there.</summary>
public sealed class ReportHtmlBrowserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadgen-html-").FullName;

    [ChromiumFact]
    public async Task The_report_renders_its_charts_and_tables_in_chromium()
    {
        using (var console = new TestConsole())
        {
            Assert.Equal(0, await Reporting.FinishAsync(console.Console, CompareSample.Document(provisioned: 1), [], _dir));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(new Uri(Path.Combine(_dir, HtmlReport.FileName)).AbsoluteUri);

        // The compare table first, with its rows; then the usual tables.
        await Assertions.Expect(page.Locator("h2").First).ToContainTextAsync("Compare");
        Assert.True(await page.Locator("table").CountAsync() >= 3);
        await Assertions.Expect(page.Locator("td", new PageLocatorOptions { HasText = "cold p50 ÷ baseline" })).ToBeVisibleAsync();

        // Every chart inlined is laid out with an area and has drawn something.
        var charts = page.Locator("figure svg");
        var captions = await page.Locator("figcaption").AllInnerTextsAsync();
        Assert.Equal(["latency-cdf", "init-breakdown", "crossover"], captions);
        for (var i = 0; i < await charts.CountAsync(); i++)
        {
            var box = await charts.Nth(i).BoundingBoxAsync();
            Assert.True(box is { Width: > 100, Height: > 100 }, $"{captions[i]}: {box?.Width}×{box?.Height}");
            Assert.True(await charts.Nth(i).Locator("path, line, polyline, rect").CountAsync() > 5, $"{captions[i]} drew nothing");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "loadgen-report.png"), FullPage = true });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
