using System.Text.Json;
using LlamaAspire.LoadGen.Commands;
using LlamaAspire.LoadGen.Payloads;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The prompt: the default ~128-token paragraph, a prompt of about N tokens, and the options that choose one.</summary>
public sealed class PayloadTests
{
    private static readonly int DefaultWords = PromptPayload.DefaultPrompt.Split(' ').Length; // 99 words for ~128 tokens

    private static string[] Words(string text) => text.Split(' ');

    [Fact]
    public void The_default_token_count_is_the_default_prompt()
    {
        Assert.Equal(99, DefaultWords);
        Assert.Equal(PromptPayload.DefaultPrompt, PromptPayload.OfTokens(PromptPayload.DefaultPromptTokens));
    }

    [Theory]
    [InlineData(256, 198)] // twice the tokens: the paragraph twice
    [InlineData(64, 50)]   // 99 × 64 ⁄ 128 = 49.5, rounded up
    [InlineData(1000, 773)] // 99 × 1,000 ⁄ 128 = 773.4
    [InlineData(1, 1)]
    public void A_token_count_scales_the_default_paragraphs_words(int tokens, int words)
    {
        var prompt = Words(PromptPayload.OfTokens(tokens));

        Assert.Equal(words, prompt.Length);
        // Cut or repeated from the start, word for word.
        Assert.Equal(Enumerable.Range(0, words).Select(i => Words(PromptPayload.DefaultPrompt)[i % DefaultWords]), prompt);
    }

    [Fact]
    public void Prompt_tokens_sets_the_payloads_prompt()
    {
        var payload = new TargetSettings { PromptTokens = 256, MaxTokens = 8 }.Payload();

        using var json = JsonDocument.Parse(payload);
        Assert.Equal(PromptPayload.OfTokens(256), json.RootElement.GetProperty("prompt").GetString());
        Assert.Equal(8, json.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal(PromptPayload.DefaultPrompt, JsonDocument.Parse(new TargetSettings().Payload()).RootElement.GetProperty("prompt").GetString());
    }

    [Theory]
    [InlineData("use one of them", "--prompt", "hello", "--prompt-tokens", "64")]
    [InlineData("use one of them", "--prompt-file", "PromptPayload.cs", "--prompt-tokens", "64")]
    [InlineData("--prompt-tokens must be at least 1", "--prompt-tokens", "0")]
    public async Task Prompt_tokens_with_another_prompt_or_below_one_is_refused(string message, params string[] options)
    {
        using var console = new TestConsole();

        var exit = await LoadGenApp.Create(console.Console).RunAsync(["run", "burst", "-e", "http://127.0.0.1:9", "-f", "x", .. options]);

        Assert.NotEqual(0, exit);
        Assert.NotEqual(1, exit); // 1 is a failed threshold
        Assert.Contains(message, console.Output, StringComparison.Ordinal);
    }
}
