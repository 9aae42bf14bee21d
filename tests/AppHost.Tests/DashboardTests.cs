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
            Skip = $"{ChromiumPath} is absent (apt-get install -y chromium); CI is not set, so the browser test is skipped.";
        }
    }

    /// <summary>Debian's chromium, headless, with the flags it needs in a sandbox without a GPU.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
}

/// <summary>The dashboard in headless chromium: the resources and the function commands are there.</summary>
[Collection(AppHostCollection.Name)]
public class DashboardTests(AppHostFixture fixture)
{
    [ChromiumFact]
    public async Task TheDashboard_ShowsTheResources_AndTheForceColdStartCommand()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ChromiumFactAttribute.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync(fixture.DashboardUrl.ToString());
        foreach (var resource in new[] { "lambda", "llama-jit", "llama-aot", "model", "model-ort" })
        {
            await Assertions.Expect(page.GetByText(resource, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        }

        // The function's row: its highlighted commands are icon buttons (titled with their description), and every
        // command is in the row's "Actions" menu under its display name.
        var row = page.Locator("tr", new PageLocatorOptions { Has = page.GetByText("llama-jit", new PageGetByTextOptions { Exact = true }) });
        await Assertions.Expect(row.Locator("[title^='Shut down every execution environment']")).ToBeVisibleAsync();
        await row.Locator("[aria-label='Actions']").ClickAsync();
        await Assertions.Expect(page.GetByText("Force cold start", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Invoke sample prompt", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Shut down idle environments", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync();

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "dashboard.png"), FullPage = true });
    }
}
