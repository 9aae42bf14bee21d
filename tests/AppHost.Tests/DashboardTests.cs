using Microsoft.Playwright;
using Xunit.Abstractions;

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
public class DashboardTests(AppHostFixture fixture, ITestOutputHelper output)
{
    /// <summary>The text of the dashboard's Blazor error bar (then a "Reload" link), as the failed CI run's page showed it.</summary>
    private const string UnhandledErrorText = "An unhandled error has occurred.";

    [ChromiumFact]
    public async Task TheDashboard_ShowsTheResources_AndTheForceColdStartCommand()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ChromiumFactAttribute.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add(message.Text);
                }
            }
        };

        await page.GotoAsync(fixture.DashboardUrl.ToString());
        await ReloadOnceIfTheDashboardFailedAsync(page, consoleErrors);
        foreach (var resource in new[] { "lambda", "llama-jit", "llama-aot", "model", "model-prepacked" })
        {
            await Assertions.Expect(page.GetByText(resource, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
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

    /// <summary>
    /// Once in a while on a loaded CI machine the dashboard's circuit fails while the resource list first loads (its error
    /// bar, no resources). A user clicks its Reload link; so does this test, once, and writes what the browser logged. A
    /// second failure fails the test with those errors.
    /// </summary>
    private async Task ReloadOnceIfTheDashboardFailedAsync(IPage page, List<string> consoleErrors)
    {
        var loaded = page.GetByText("lambda", new PageGetByTextOptions { Exact = true }).First;
        var failed = page.GetByText(UnhandledErrorText);
        await Assertions.Expect(loaded.Or(failed).First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        if (!await failed.IsVisibleAsync())
        {
            return;
        }

        lock (consoleErrors)
        {
            output.WriteLine($"The dashboard showed its error bar; reloading once. Browser console errors: {string.Join(" | ", consoleErrors)}");
            consoleErrors.Clear();
        }

        await page.ReloadAsync();
        await Assertions.Expect(loaded.Or(failed).First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        if (await failed.IsVisibleAsync())
        {
            lock (consoleErrors)
            {
                Assert.Fail($"The dashboard failed again after a reload. Browser console errors: {string.Join(" | ", consoleErrors)}");
            }
        }
    }
}
