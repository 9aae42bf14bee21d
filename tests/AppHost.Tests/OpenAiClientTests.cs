using System.ClientModel;
using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;

namespace LlamaAspire.AppHost.Tests;

/// <summary>
/// OpenAI's own clients against a function's OpenAI-compatible endpoint, configured from nothing but the function's
/// connection string (what <c>WithReference(function)</c> hands a project): the OpenAI .NET library, Microsoft.Extensions.AI's
/// <see cref="IChatClient"/> over it, and the openai npm client.
/// </summary>
[Collection(AppHostCollection.Name)]
public class OpenAiClientTests(AppHostFixture fixture)
{
    internal static readonly string NodeOpenAiDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../node-openai"));

    private async Task<(Uri Endpoint, string Key, string Model)> ConnectionAsync(string function)
    {
        var connectionString = await fixture.App.GetConnectionStringAsync(function);
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return (new Uri((string)parts["Endpoint"]), (string)parts["Key"], (string)parts["Model"]);
    }

    private async Task<ChatClient> ChatClientAsync(string function)
    {
        var (endpoint, key, model) = await ConnectionAsync(function);
        Assert.EndsWith($"/{function}/url/v1", endpoint.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("tiny", model);
        return new ChatClient(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = endpoint, NetworkTimeout = TimeSpan.FromMinutes(2) });
    }

    [Fact]
    public async Task TheOpenAiDotNetLibrary_Chats_BufferedAndStreaming()
    {
        var client = await ChatClientAsync("llama-jit");
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Name a colour.")], new ChatCompletionOptions { MaxOutputTokenCount = 8 });
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 8);
        Assert.Equal("tiny", completion.Model);

        var deltas = new List<string>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Name a colour.")], new ChatCompletionOptions { MaxOutputTokenCount = 8 }))
        {
            deltas.AddRange(update.ContentUpdate.Select(p => p.Text).Where(t => t.Length > 0)); // the opening chunk carries the role and ""
            if (update.FinishReason is { } reason)
            {
                finish = reason;
            }

            usage ??= update.Usage;
        }

        Assert.NotNull(finish);
        Assert.NotNull(usage); // the library asks for stream_options.include_usage itself
        Assert.InRange(deltas.Count, 1, usage!.OutputTokenCount); // a token that ends mid-character waits for the next one
    }

    [Fact]
    public async Task AnIChatClient_Chats_BufferedAndStreaming_AndSeesTheRefusalOfUnsupportedOptions()
    {
        IChatClient chat = (await ChatClientAsync("llama-aot")).AsIChatClient();
        var response = await chat.GetResponseAsync([new AiChatMessage(ChatRole.System, "Be brief."), new AiChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { MaxOutputTokens = 6, Temperature = 0f, Seed = 7 });
        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.InRange(response.Usage?.OutputTokenCount ?? 0, 1, 6);

        var streamed = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync([new AiChatMessage(ChatRole.System, "Be brief."), new AiChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { MaxOutputTokens = 6, Temperature = 0f, Seed = 7 }))
        {
            streamed.Add(update);
        }

        Assert.Equal(response.Text, string.Concat(streamed.Select(u => u.Text))); // greedy with one seed: the same text both ways
        Assert.Contains(streamed, u => u.FinishReason is not null);

        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "sunny", "weather")] };
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.GetResponseAsync("What's the weather?", tools));
        Assert.Equal(400, refused.Status);
        Assert.Contains("'tools' is not supported", refused.Message, StringComparison.Ordinal);
    }

    [NodeOpenAiFact]
    public async Task TheOpenAiNpmClient_Chats_Streams_ListsModels_AndReadsErrors()
    {
        var (endpoint, key, model) = await ConnectionAsync("llama-jit");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = NodeOpenAiDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["chat.mjs", endpoint.ToString(), key, model])
        {
            psi.ArgumentList.Add(arg);
        }

        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(node.ExitCode == 0, $"node chat.mjs → exit {node.ExitCode}: {await stderr}");

        var result = JsonDocument.Parse(await stdout).RootElement;
        Assert.False(string.IsNullOrEmpty(result.GetProperty("completion").GetProperty("text").GetString()));
        var stream = result.GetProperty("stream");
        Assert.True(stream.GetProperty("deltas").GetArrayLength() >= 1);
        Assert.InRange(stream.GetProperty("deltas").GetArrayLength(), 1, stream.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Contains(stream.GetProperty("finishReason").GetString(), new[] { "stop", "length" });
        var refused = result.GetProperty("refused");
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.Equal("n", refused.GetProperty("param").GetString());
        Assert.Equal("unsupported_parameter", refused.GetProperty("code").GetString());
        Assert.Equal(["tiny"], result.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
    }
}

/// <summary>Runs where <c>npm ci</c> has installed the openai client in node-openai, or on CI (<c>CI</c> set), where its absence is a failure.</summary>
public sealed class NodeOpenAiFactAttribute : FactAttribute
{
    public NodeOpenAiFactAttribute()
    {
        if (!Directory.Exists(Path.Combine(OpenAiClientTests.NodeOpenAiDir, "node_modules", "openai")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"the openai npm client is not installed: run `npm ci` in {OpenAiClientTests.NodeOpenAiDir}";
        }
    }
}
