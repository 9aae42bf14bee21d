using System.Text;
using System.Text.Json;
using LlamaAspire.InferenceFunction.Requests;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>OpenAI's requests as a function URL event carries them: routes, OpenAI's defaults, refusals by name.</summary>
public class OpenAiRequestParserTests
{
    const int Context = 512;

    internal static string UrlEvent(string method, string path, string? body = null) => $$"""
        {"version":"2.0","routeKey":"$default","rawPath":"{{path}}","rawQueryString":"",
         "headers":{"content-type":"application/json"},
         "requestContext":{"http":{"method":"{{method}}","path":"{{path}}"},"requestId":"r1"}
         {{(body is null ? "" : ",\"body\":" + JsonSerializer.Serialize(body) + ",\"isBase64Encoded\":false")}}}
        """;

    static InferenceRequest Parse(string method, string path, string? body = null) =>
        RequestParser.Parse(Encoding.UTF8.GetBytes(UrlEvent(method, path, body)), Context, 4096);

    static InvalidRequestException Error(string method, string path, string? body = null) =>
        Assert.Throws<InvalidRequestException>(() => Parse(method, path, body));

    [Fact]
    public void Chat_request_with_every_supported_field()
    {
        var r = Parse("POST", "/v1/chat/completions", """
            {"model":"tiny","messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"}]}],
             "max_tokens":9,"max_completion_tokens":7,"temperature":0.5,"top_p":0.9,"seed":3,"stop":"\n","stream":true,
             "stream_options":{"include_usage":true},"n":1,"logprobs":false,"frequency_penalty":0,"presence_penalty":0,"user":"u1"}
            """);
        Assert.Equal(RequestApi.ChatCompletions, r.Api);
        Assert.True(r.IsHttp);
        Assert.Equal("tiny", r.Model);
        Assert.Equal([new("system", "Be brief."), new("user", "Hi")], r.Messages!);
        Assert.Equal(7, r.MaxTokens); // max_completion_tokens wins over the older max_tokens
        Assert.Equal(0.5f, r.Temperature);
        Assert.Equal(0.9f, r.TopP);
        Assert.Equal(3UL, r.Seed);
        Assert.Equal(["\n"], r.Stop);
        Assert.True(r.Stream);
        Assert.True(r.IncludeUsage);
    }

    [Fact]
    public void OpenAi_defaults_apply_temperature_one_and_a_fresh_seed()
    {
        var a = Parse("POST", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"Hi"}]}""");
        var b = Parse("POST", "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(1f, a.Temperature);
        Assert.NotEqual(a.Seed, b.Seed);
        Assert.False(a.Stream);
        Assert.False(a.IncludeUsage);
    }

    [Fact]
    public void Completion_prompt_as_a_string_or_a_batch_of_one()
    {
        Assert.Equal("Once", Parse("POST", "/v1/completions", """{"model":"m","prompt":"Once"}""").Prompt);
        var r = Parse("POST", "/v1/completions", """{"model":"m","prompt":["Once"],"max_tokens":4}""");
        Assert.Equal(RequestApi.Completions, r.Api);
        Assert.Equal("Once", r.Prompt);
        Assert.Equal(4, r.MaxTokens);
        Assert.Equal("prompt", Error("POST", "/v1/completions", """{"model":"m","prompt":["a","b"]}""").Param);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"n":2}""", "n")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}]}""", "tools")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":"auto"}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"logprobs":true}""", "logprobs")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"top_logprobs":2}""", "top_logprobs")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""", "response_format")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"presence_penalty":0.5}""", "presence_penalty")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"logit_bias":{"50256":-100}}""", "logit_bias")]
    public void Unsupported_fields_are_refused_by_name(string body, string param)
    {
        var ex = Error("POST", "/v1/chat/completions", body);
        Assert.Equal(param, ex.Param);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("unsupported_parameter", ex.Code);
        Assert.Equal(RequestApi.ChatCompletions, ex.Api);
        Assert.Contains($"'{param}'", ex.Message);
    }

    [Fact]
    public void An_unknown_member_is_refused_as_OpenAI_does()
    {
        var ex = Error("POST", "/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"temprature":1}""");
        Assert.Equal("temprature", ex.Param);
        Assert.Equal("unknown_parameter", ex.Code);
        Assert.Contains("Unrecognized request argument supplied: 'temprature'", ex.Message);
    }

    [Fact]
    public void Field_errors_name_the_field()
    {
        Assert.Equal("max_completion_tokens", Error("POST", "/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"max_completion_tokens":0}""").Param);
        Assert.Equal("temperature", Error("POST", "/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"temperature":3}""").Param);
        Assert.Equal("messages", Error("POST", "/v1/chat/completions", """{"model":"m"}""").Param);
        var tool = Error("POST", "/v1/chat/completions", """{"messages":[{"role":"tool","content":"x"}]}""");
        Assert.Contains("must be one of system, developer, user, assistant (got 'tool')", tool.Message);
        Assert.Contains("The HTTP body is not valid JSON", Error("POST", "/v1/chat/completions", "{oops").Message);
    }

    [Fact]
    public void Models_route_and_its_single_model_form()
    {
        var list = Parse("GET", "/v1/models");
        Assert.Equal(RequestApi.Models, list.Api);
        Assert.Null(list.Model);
        Assert.Equal("llama-3.2-1b", Parse("GET", "/v1/models/llama-3.2-1b").Model);
    }

    [Fact]
    public void Unknown_paths_and_wrong_methods_get_404_and_405()
    {
        var unknown = Error("POST", "/v1/embeddings", "{}");
        Assert.Equal(404, unknown.StatusCode);
        Assert.Equal("unknown_url", unknown.Code);
        Assert.True(unknown.Api.IsOpenAi());
        Assert.Contains("POST /v1/embeddings", unknown.Message);

        var method = Error("GET", "/v1/chat/completions");
        Assert.Equal(405, method.StatusCode);
        Assert.Contains("use POST", method.Message);
    }

    [Fact]
    public void Other_paths_keep_the_function_s_own_json()
    {
        var r = Parse("POST", "/", """{"prompt":"Hi"}""");
        Assert.Equal(RequestApi.Native, r.Api);
        Assert.Equal(0f, r.Temperature);
        Assert.Equal(0UL, r.Seed);
    }
}
