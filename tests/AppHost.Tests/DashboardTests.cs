using Microsoft.Playwright;

namespace LlamaAspire.AppHost.Tests;

/// <summary>Runs only where Debian's chromium is installed, unless on CI (<c>CI</c> set), where its absence is a failure.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"{ChromiumPath} is absent (apt-get install -y chromium); CI is not set, so the dashboard browser test is skipped.";
        }
    }
}

/// <summary>The dashboard in headless chromium: the resources and the function commands are there.</summary>
[Collection(AppHostCollection.Name)]
public class DashboardTests(AppHostFixture fixture)
{
    [ChromiumFact]
    public async Task TheDashboard_ShowsTheResources_AndTheForceColdStartCommand()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync(fixture.DashboardUrl.ToString());
        foreach (var resource in new[] { "lambda", "llama-jit", "llama-aot", "model", "model-ort" })
        {
            await Assertions.Expect(page.GetByText(resource, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        }

        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });

        // A highlighted command is a button in the resource's row; the others are in its "..." menu.
        var command = page.Locator("[title='Force cold start'], [aria-label='Force cold start']");
        Assert.True(await command.CountAsync() > 0, $"no Force cold start command on {fixture.DashboardUrl} (screenshot: {screenshot})");
        await Assertions.Expect(command.First).ToBeVisibleAsync();
    }
}
