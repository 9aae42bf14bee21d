using Microsoft.Playwright;

namespace LlamaAspire.AppHost.Tests;

/// <summary>The playground in headless chromium: a prompt streams an answer, and the badge tells a cold start from a warm one.</summary>
[Collection(AppHostCollection.Name)]
public class PlaygroundTests(AppHostFixture fixture)
{
    [ChromiumFact]
    public async Task APrompt_StreamsAnAnswer_WithTheColdStartBadgeAndInitBreakdown_ThenAWarmOne()
    {
        await fixture.RecycleAsync("llama-jit"); // the next invoke is a cold start, whatever ran before
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ChromiumFactAttribute.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(fixture.App.GetEndpoint("playground", "http").ToString());

        await page.Locator("#function").SelectOptionAsync("llama-jit");
        await page.Locator("#prompt").FillAsync("Tell me a story.");
        await page.Locator("#max-tokens").FillAsync("12");
        await page.Locator("#send").ClickAsync();

        await Assertions.Expect(page.Locator("#badge")).ToHaveTextAsync("cold start");
        await Assertions.Expect(page.Locator("#output")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("#ttft")).ToContainTextAsync("ms in the function");
        await Assertions.Expect(page.Locator("#tokens")).ToContainTextAsync("completion");
        foreach (var phase in (string[])["runtime init", "native import", "weight load", "tokenizer load"])
        {
            await Assertions.Expect(page.Locator($"#phases li[data-phase='{phase}']")).ToBeVisibleAsync();
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "playground.png"), FullPage = true });

        await page.Locator("#send").ClickAsync();
        await Assertions.Expect(page.Locator("#badge")).ToHaveTextAsync("warm");
        await Assertions.Expect(page.Locator("#init")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#output")).Not.ToBeEmptyAsync();
    }
}
