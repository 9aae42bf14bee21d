using System.Text;
using LlamaAspire.InferenceFunction.Requests;

namespace LlamaAspire.InferenceFunction.Tests;

public class RequestParserTests
{
    const int Context = 512;
    const int Limit = 4096;

    static InferenceRequest Parse(string json, int limit = Limit) => RequestParser.Parse(Encoding.UTF8.GetBytes(json), Context, limit);

    static string Error(string json, int limit = Limit) => Assert.Throws<InvalidRequestException>(() => Parse(json, limit)).Message;

    [Fact]
    public void Prompt_with_every_option()
    {
        var r = Parse("""{"prompt":"Hello","max_tokens":16,"temperature":0.7,"top_p":0.9,"top_k":40,"seed":42,"stop":["\n","END"],"stream":true,"model":"ignored"}""");
        Assert.Equal("Hello", r.Prompt);
        Assert.Null(r.Messages);
        Assert.Equal(16, r.MaxTokens);
        Assert.Equal(0.7f, r.Temperature);
        Assert.Equal(0.9f, r.TopP);
        Assert.Equal(40, r.TopK);
        Assert.Equal(42UL, r.Seed);
        Assert.Equal(["\n", "END"], r.Stop);
        Assert.True(r.Stream);
        Assert.False(r.IsHttp);
    }

    [Fact]
    public void Defaults_are_greedy_and_deterministic()
    {
        var r = Parse("""{"prompt":"Hi"}""");
        Assert.Null(r.MaxTokens);
        Assert.Equal(0f, r.Temperature);
        Assert.True(r.Sampling.IsGreedy);
        Assert.Equal(0UL, r.Seed);
        Assert.Empty(r.Stop);
        Assert.False(r.Stream);
    }

    [Fact]
    public void Messages_and_a_single_stop_string()
    {
        var r = Parse("""{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"}]}],"stop":"###"}""");
        Assert.Equal(2, r.Messages!.Count);
        Assert.Equal("system", r.Messages[0].Role);
        Assert.Equal("Hi", r.Messages[1].Content);
        Assert.Equal(["###"], r.Stop);
    }

    [Fact]
    public void Negative_seed_is_accepted_as_its_bit_pattern()
    {
        Assert.Equal(ulong.MaxValue, Parse("""{"prompt":"x","seed":-1}""").Seed);
    }

    [Theory]
    [InlineData("""{"prompt":"x", """, "not valid JSON at line 1")]
    [InlineData("", "The request is empty")]
    [InlineData("[1,2]", "must be a JSON object (got an array)")]
    [InlineData("""{}""", "needs 'prompt' (a string) or 'messages'")]
    [InlineData("""{"prompt":"   "}""", "'prompt' is empty.")]
    [InlineData("""{"prompt":""}""", "'prompt' is empty.")]
    [InlineData("""{"prompt":5}""", "'prompt' must be a string (got a number)")]
    [InlineData("""{"prompt":"a","messages":[]}""", "either 'prompt' or 'messages', not both")]
    [InlineData("""{"messages":[]}""", "'messages' is empty.")]
    [InlineData("""{"messages":{}}""", "'messages' must be an array")]
    [InlineData("""{"messages":["hi"]}""", "'messages[0]' must be an object")]
    [InlineData("""{"messages":[{"content":"hi"}]}""", "'messages[0].role' is required")]
    [InlineData("""{"messages":[{"role":"user","content":"a"},{"role":"bot","content":"hi"}]}""", "'messages[1].role' must be one of system, user, assistant, tool, ipython (got 'bot')")]
    [InlineData("""{"messages":[{"role":"user"}]}""", "'messages[0].content' is required")]
    [InlineData("""{"messages":[{"role":"user","content":7}]}""", "'messages[0].content' must be a string (got a number)")]
    [InlineData("""{"messages":[{"role":"user","content":""}]}""", "has empty content")]
    [InlineData("""{"prompt":"x","max_tokens":0}""", "'max_tokens' must be between 1 and 512 (got 0)")]
    [InlineData("""{"prompt":"x","max_tokens":513}""", "'max_tokens' must be between 1 and 512 (got 513)")]
    [InlineData("""{"prompt":"x","max_tokens":-3}""", "'max_tokens' must be between 1 and 512 (got -3)")]
    [InlineData("""{"prompt":"x","max_tokens":1.5}""", "'max_tokens' must be an integer between 1 and 512 (got 1.5)")]
    [InlineData("""{"prompt":"x","max_tokens":"10"}""", "'max_tokens' must be an integer between 1 and 512 (got \"10\")")]
    [InlineData("""{"prompt":"x","temperature":-0.1}""", "'temperature' must be between 0 and 2 (got -0.1)")]
    [InlineData("""{"prompt":"x","temperature":"hot"}""", "'temperature' must be a number (got \"hot\")")]
    [InlineData("""{"prompt":"x","top_p":0}""", "'top_p' must be greater than 0 and at most 1 (got 0)")]
    [InlineData("""{"prompt":"x","top_p":1.5}""", "'top_p' must be greater than 0 and at most 1 (got 1.5)")]
    [InlineData("""{"prompt":"x","top_k":-1}""", "'top_k' must be a non-negative integer")]
    [InlineData("""{"prompt":"x","seed":"abc"}""", "'seed' must be an integer (got \"abc\")")]
    [InlineData("""{"prompt":"x","stop":""}""", "'stop' must not be an empty string.")]
    [InlineData("""{"prompt":"x","stop":["a",3]}""", "'stop[1]' must be a non-empty string (got 3)")]
    [InlineData("""{"prompt":"x","stop":{}}""", "'stop' must be a string or an array of strings (got an object)")]
    [InlineData("""{"prompt":"x","stream":"yes"}""", "'stream' must be true or false (got \"yes\")")]
    public void Bad_input_says_what_and_where(string json, string expected)
    {
        Assert.Contains(expected, Error(json));
    }

    [Fact]
    public void Malformed_json_names_line_and_byte()
    {
        var message = Error("{\n  \"prompt\": \"x\",\n  \"max_tokens\": 1O\n}");
        Assert.Contains("line 3", message);
    }

    [Fact]
    public void Too_many_stop_sequences()
    {
        var stops = string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"s{i}\""));
        Assert.Contains("'stop' has 17 sequences; at most 16", Error($$"""{"prompt":"x","stop":[{{stops}}]}"""));
    }

    [Fact]
    public void Oversize_payload()
    {
        var big = $$"""{"prompt":"{{new string('a', 5000)}}"}""";
        Assert.Contains($"The request is {big.Length} bytes; the limit is {Limit} bytes.", Error(big));
    }

    static string ApiGatewayEvent(string body, bool base64 = false, string? traceparent = null) =>
        $$"""
        {"version":"2.0","routeKey":"$default","rawPath":"/","rawQueryString":"",
         "headers":{"content-type":"application/json"{{(traceparent is null ? "" : $",\"Traceparent\":\"{traceparent}\"")}}},
         "requestContext":{"http":{"method":"POST","path":"/"},"requestId":"r1"},
         "body":{{System.Text.Json.JsonSerializer.Serialize(base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(body)) : body)}},
         "isBase64Encoded":{{(base64 ? "true" : "false")}}}
        """;

    [Fact]
    public void Api_gateway_v2_event_is_unwrapped()
    {
        var tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var r = Parse(ApiGatewayEvent("""{"prompt":"Hello","max_tokens":3}""", traceparent: tp));
        Assert.True(r.IsHttp);
        Assert.Equal("Hello", r.Prompt);
        Assert.Equal(3, r.MaxTokens);
        Assert.Equal(tp, r.TraceParent);
    }

    [Fact]
    public void Api_gateway_v2_base64_body_is_decoded()
    {
        var r = Parse(ApiGatewayEvent("""{"messages":[{"role":"user","content":"héllo"}]}""", base64: true));
        Assert.True(r.IsHttp);
        Assert.Equal("héllo", r.Messages![0].Content);
    }

    [Fact]
    public void Api_gateway_v2_body_errors_point_at_the_body()
    {
        Assert.Contains("The HTTP body is not valid JSON", Error(ApiGatewayEvent("{oops")));
        Assert.Contains("The HTTP body is empty", Error(ApiGatewayEvent("")));
        Assert.Contains("'max_tokens' must be between 1 and 512 (got 0)", Error(ApiGatewayEvent("""{"prompt":"x","max_tokens":0}""")));
        Assert.Contains("not valid base64", Error("""{"version":"2.0","requestContext":{},"body":"***","isBase64Encoded":true}"""));
    }

    [Fact]
    public void A_body_field_alone_is_not_an_http_event()
    {
        Assert.Contains("needs 'prompt'", Error("""{"body":"{\"prompt\":\"x\"}"}"""));
    }
}
