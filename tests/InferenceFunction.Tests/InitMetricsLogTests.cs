using System.Text.Json;
using LlamaAspire.InferenceFunction.Requests;
using LlamaAspire.InferenceFunction.Telemetry;

namespace LlamaAspire.InferenceFunction.Tests;

/// <summary>The cold start's Embedded Metric Format line: the shape CloudWatch turns into metrics, and once per environment.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class InitMetricsLogTests(TinyModelFixture tiny)
{
    static readonly InitTimings Init = new(120.5, new Dictionary<string, double> { ["native import"] = 20.25, ["weight load"] = 80 });

    [Fact]
    public void The_line_declares_every_metric_it_carries_under_one_namespace_and_dimension()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var root = JsonDocument.Parse(InitMetricsLog.Format("llama-aot", Init, at)).RootElement;
        var aws = root.GetProperty("_aws");
        Assert.Equal(1_700_000_000_123, aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("LlamaAspire", directive.GetProperty("Namespace").GetString());
        Assert.Equal(["FunctionName"], directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("llama-aot", root.GetProperty("FunctionName").GetString());

        var declared = directive.GetProperty("Metrics").EnumerateArray().ToList();
        Assert.Equal(["function.init", "native import", "weight load"], declared.Select(m => m.GetProperty("Name").GetString()));
        Assert.All(declared, m => Assert.Equal("Milliseconds", m.GetProperty("Unit").GetString()));
        Assert.Equal(120.5, root.GetProperty("function.init").GetDouble());
        Assert.Equal(20.25, root.GetProperty("native import").GetDouble());
        Assert.Equal(80, root.GetProperty("weight load").GetDouble());
    }

    [Fact]
    public async Task The_handler_writes_it_on_the_cold_start_only()
    {
        var lines = new List<string>();
        Func<string, string?> env = name => name == EnvVars.ModelDir ? tiny.OnnxDirectory : name == EnvVars.FunctionName ? "llama-test" : null;
        var handler = new InferenceHandler(TinyModelFixture.Load(tiny.OnnxDirectory, out _), FunctionOptions.FromEnvironment(env), TelemetrySetup.Disabled, env)
        {
            InitTimings = Init,
            Log = lines.Add,
        };
        var invocation = new LambdaRuntime.LambdaInvocation("r", DateTimeOffset.UtcNow.AddMinutes(1), "arn:aws:lambda:us-east-1:1:function:f", null, null, null,
            """{"prompt":"Hi","max_tokens":2}"""u8.ToArray());
        await handler.InvokeAsync(invocation, default);
        await handler.InvokeAsync(invocation, default);
        var emf = Assert.Single(lines, l => l.StartsWith("{\"_aws\"", StringComparison.Ordinal));
        Assert.Contains("\"FunctionName\":\"llama-test\"", emf, StringComparison.Ordinal);
    }
}
