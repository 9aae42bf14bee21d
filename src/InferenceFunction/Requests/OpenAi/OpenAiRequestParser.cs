using System.Security.Cryptography;
using System.Text.Json;
using LlamaAspire.LlamaModel;
using static LlamaAspire.InferenceFunction.Requests.RequestFields;

namespace LlamaAspire.InferenceFunction.Requests.OpenAi;

/// <summary>
/// OpenAI's requests on the function URL: <c>POST /v1/chat/completions</c>, <c>POST /v1/completions</c>, <c>GET /v1/models</c>.
/// What OpenAI clients send is read with OpenAI's defaults (temperature 1, a fresh seed unless one is given); what the
/// function cannot do (n &gt; 1, tools, logprobs, …) is refused by name, and so is any member it does not know, as OpenAI does.
/// </summary>
public static class OpenAiRequestParser
{
    /// <summary>Members every request may carry that change nothing here (bookkeeping for the caller or for OpenAI's platform).</summary>
    static readonly string[] Ignored = ["model", "user", "metadata", "store", "service_tier", "safety_identifier", "prompt_cache_key"];

    static readonly string[] Shared = ["max_tokens", "temperature", "top_p", "top_k", "seed", "stop", "stream", "stream_options",
        "n", "logprobs", "top_logprobs", "frequency_penalty", "presence_penalty", "logit_bias"];

    static readonly string[] ChatOnly = ["messages", "max_completion_tokens", "tools", "tool_choice", "parallel_tool_calls",
        "functions", "function_call", "response_format", "modalities", "audio", "prediction", "reasoning_effort", "web_search_options"];

    static readonly string[] CompletionOnly = ["prompt", "echo", "suffix", "best_of"];

    public static bool Serves(string path) => path.StartsWith(OpenAiApi.PathPrefix, StringComparison.Ordinal);

    public static InferenceRequest Parse(HttpEvent http, int contextLength, int maxRequestBytes)
    {
        var api = Route(http);
        try
        {
            return api switch
            {
                RequestApi.Models => new InferenceRequest { Api = api, Model = ModelIdFromPath(http.Path) },
                _ => ParseGeneration(http, api, contextLength, maxRequestBytes),
            };
        }
        catch (InvalidRequestException ex)
        {
            throw ex.For(api);
        }
    }

    static RequestApi Route(HttpEvent http)
    {
        var path = http.Path.TrimEnd('/');
        var (api, method) = path switch
        {
            OpenAiApi.ChatCompletionsPath => (RequestApi.ChatCompletions, "POST"),
            OpenAiApi.CompletionsPath => (RequestApi.Completions, "POST"),
            OpenAiApi.ModelsPath => (RequestApi.Models, "GET"),
            _ when path.StartsWith(OpenAiApi.ModelsPath + "/", StringComparison.Ordinal) => (RequestApi.Models, "GET"),
            _ => throw new InvalidRequestException(
                $"Unknown request URL: {http.Method} {http.Path}. This function serves POST {OpenAiApi.ChatCompletionsPath}, POST {OpenAiApi.CompletionsPath} and GET {OpenAiApi.ModelsPath}.",
                statusCode: 404, code: OpenAiApi.ErrorCodes.UnknownUrl) { Api = RequestApi.ChatCompletions },
        };
        return http.Method == method
            ? api
            : throw new InvalidRequestException($"{http.Method} {http.Path} is not allowed; use {method}.", statusCode: 405, code: OpenAiApi.ErrorCodes.MethodNotAllowed) { Api = api };
    }

    static string? ModelIdFromPath(string path)
    {
        var rest = path.TrimEnd('/')[OpenAiApi.ModelsPath.Length..];
        return rest.Length > 1 ? Uri.UnescapeDataString(rest[1..]) : null;
    }

    static InferenceRequest ParseGeneration(HttpEvent http, RequestApi api, int contextLength, int maxRequestBytes)
    {
        using var doc = RequestParser.ParseHttpBody(http, maxRequestBytes);
        var o = doc.RootElement;
        bool chat = api == RequestApi.ChatCompletions;
        CheckMembers(o, chat ? ChatOnly : CompletionOnly);
        RefuseUnsupported(o, chat);

        string? model = null;
        if (Present(o, "model", out var m))
        {
            model = m.ValueKind == JsonValueKind.String ? m.GetString() : throw new InvalidRequestException($"'model' must be a string (got {Kind(m)}).", "model");
        }

        int? maxTokens = MaxTokens(o, "max_tokens", contextLength);
        if (chat)
        {
            maxTokens = MaxTokens(o, "max_completion_tokens", contextLength) ?? maxTokens; // the newer name wins, as in OpenAI's API
        }

        return new InferenceRequest
        {
            Api = api,
            Model = model,
            Messages = chat ? Messages(Required(o, "messages"), OpenAiRoles) : null,
            Prompt = chat ? null : CompletionPrompt(Required(o, "prompt")),
            MaxTokens = maxTokens,
            Temperature = Temperature(o, absent: 1f),
            TopP = TopP(o),
            TopK = TopK(o),
            // Fresh OS entropy per request, not Random.Shared: under SnapStart every environment restored from one snapshot
            // would continue the same PRNG state and draw the same "random" seeds.
            Seed = Seed(o) ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))),
            Stop = Stop(o),
            Stream = Boolean(o, "stream"),
            IncludeUsage = IncludeUsage(o),
        };
    }

    static void CheckMembers(JsonElement o, string[] own)
    {
        foreach (var member in o.EnumerateObject())
        {
            var name = member.Name;
            if (!own.Contains(name, StringComparer.Ordinal) && !Shared.Contains(name, StringComparer.Ordinal) && !Ignored.Contains(name, StringComparer.Ordinal))
            {
                throw new InvalidRequestException($"Unrecognized request argument supplied: '{name}'.", name, code: OpenAiApi.ErrorCodes.UnknownParameter);
            }
        }
    }

    /// <summary>Known to OpenAI, not done here: refused by name unless the value asks for nothing (n: 1, logprobs: false, …).</summary>
    static void RefuseUnsupported(JsonElement o, bool chat)
    {
        foreach (var name in (string[])["tools", "tool_choice", "functions", "function_call", "audio", "prediction", "web_search_options", "reasoning_effort", "suffix", "top_logprobs"])
        {
            if (Present(o, name, out _))
            {
                throw Unsupported(name, $"'{name}' is not supported: this function generates plain text with a Llama model and has no tool calling, audio, predictions, reasoning effort, suffix or log probabilities.");
            }
        }

        if (Present(o, "n", out var n) && !(n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out int count) && count == 1))
        {
            throw Unsupported("n", $"'n' must be 1: one choice per request is generated (got {Raw(n)}).");
        }

        if (Present(o, "best_of", out var bestOf) && !(bestOf.ValueKind == JsonValueKind.Number && bestOf.TryGetInt32(out int best) && best == 1))
        {
            throw Unsupported("best_of", $"'best_of' must be 1 (got {Raw(bestOf)}).");
        }

        if (Present(o, "logprobs", out var logprobs) && logprobs.ValueKind != JsonValueKind.False && !(logprobs.ValueKind == JsonValueKind.Number && logprobs.GetRawText() == "0"))
        {
            throw Unsupported("logprobs", "'logprobs' is not supported: log probabilities are not returned.");
        }

        if (Present(o, "echo", out var echo) && echo.ValueKind != JsonValueKind.False)
        {
            throw Unsupported("echo", "'echo' is not supported: the prompt is not echoed.");
        }

        foreach (var penalty in (string[])["frequency_penalty", "presence_penalty"])
        {
            if (Present(o, penalty, out var p) && !(p.ValueKind == JsonValueKind.Number && p.TryGetDouble(out var v) && v == 0))
            {
                throw Unsupported(penalty, $"'{penalty}' is not supported (only 0): the sampler applies no penalties (got {Raw(p)}).");
            }
        }

        if (Present(o, "logit_bias", out var bias) && !(bias.ValueKind == JsonValueKind.Object && !bias.EnumerateObject().Any()))
        {
            throw Unsupported("logit_bias", "'logit_bias' is not supported: the sampler applies no biases.");
        }

        if (chat && Present(o, "response_format", out var format) &&
            !(format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text"))
        {
            throw Unsupported("response_format", "'response_format' is not supported beyond {\"type\": \"text\"}: output is not constrained to JSON.");
        }

        if (chat && Present(o, "modalities", out var modalities) &&
            !(modalities.ValueKind == JsonValueKind.Array && modalities.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String && x.GetString() == "text")))
        {
            throw Unsupported("modalities", "'modalities' is not supported beyond [\"text\"].");
        }

        if (chat && Present(o, "parallel_tool_calls", out _) && Present(o, "tools", out _))
        {
            throw Unsupported("parallel_tool_calls", "'parallel_tool_calls' is not supported: there is no tool calling.");
        }
    }

    static InvalidRequestException Unsupported(string name, string message) => new(message, name, code: OpenAiApi.ErrorCodes.UnsupportedParameter);

    static JsonElement Required(JsonElement o, string name) =>
        Present(o, name, out var value) ? value : throw new InvalidRequestException($"'{name}' is required.", name);

    /// <summary>A string, or an array holding one string (OpenAI's batch form with a batch of one).</summary>
    static string CompletionPrompt(JsonElement prompt)
    {
        if (prompt.ValueKind != JsonValueKind.Array)
        {
            return Prompt(prompt);
        }

        var items = prompt.EnumerateArray().ToList();
        return items.Count == 1 && items[0].ValueKind == JsonValueKind.String
            ? Prompt(items[0])
            : throw Unsupported("prompt", $"'prompt' must be a string or an array of one string: batches and token-id prompts are not supported (got {Raw(prompt)}).");
    }

    static bool IncludeUsage(JsonElement o)
    {
        if (!Present(o, "stream_options", out var options))
        {
            return false;
        }

        return options.ValueKind == JsonValueKind.Object
            ? Boolean(options, "include_usage")
            : throw new InvalidRequestException($"'stream_options' must be an object (got {Kind(options)}).", "stream_options");
    }

    /// <summary>OpenAI's <c>developer</c> role is Llama's <c>system</c>; tool turns need tool calling, which the function has not.</summary>
    static readonly Dictionary<string, string> OpenAiRoles = new(StringComparer.Ordinal)
    {
        ["system"] = "system",
        ["developer"] = "system",
        ["user"] = "user",
        ["assistant"] = "assistant",
    };
}
