using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>
/// Runs tests/TestFunction as a real process against <see cref="FakeRuntimeApi"/>: JIT (<c>dotnet TestFunction.dll</c>), or the
/// executable named by <c>TEST_FUNCTION_EXECUTABLE</c> (e.g. the Native AOT publish output).
/// </summary>
public sealed class TestFunctionProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string TestFunctionDll =>
        Path.GetFullPath(typeof(TestFunctionProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TestFunctionDll").Value!);

    [Fact]
    public async Task Echo_error_stream_env_and_print_work_in_one_warm_process()
    {
        await using var fake = await FakeRuntimeApi.StartAsync("/test-function");
        using var process = Start(fake, new() { ["MARKER"] = "marker-value" });

        var echo = await fake.Enqueue("""{"action":"echo","x":[1,2,3]}""").Result.WaitAsync(Timeout);
        Assert.Equal("""{"action":"echo","x":[1,2,3]}""", echo.BodyText);

        var plain = await fake.Enqueue("not json").Result.WaitAsync(Timeout);
        Assert.Equal("not json", plain.BodyText);

        var error = await fake.Enqueue("""{"action":"error","errorType":"Custom.Failure","message":"asked to fail"}""").Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Error, error.Kind);
        Assert.Equal("Custom.Failure", error.Header(RuntimeApi.Headers.FunctionErrorType));

        var untyped = await fake.Enqueue("""{"action":"error"}""").Result.WaitAsync(Timeout);
        Assert.Equal("InvalidOperationException", untyped.Header(RuntimeApi.Headers.FunctionErrorType));

        var stream = await fake.Enqueue("""{"action":"stream","chunks":4,"delayMs":5}""").Result.WaitAsync(Timeout);
        Assert.Equal("chunk 0\nchunk 1\nchunk 2\nchunk 3\n", stream.BodyText);
        Assert.Equal("streaming", stream.Header(RuntimeApi.Headers.FunctionResponseMode));

        var env = await fake.Enqueue("""{"action":"env"}""", traceId: "Root=1-00000003-000000000000000000000003;Parent=0000000000000003;Sampled=1")
            .Result.WaitAsync(Timeout);
        using (var json = JsonDocument.Parse(env.Body))
        {
            var variables = json.RootElement.GetProperty("environment");
            Assert.Equal("marker-value", variables.GetProperty("MARKER").GetString());
            Assert.Equal("Root=1-00000003-000000000000000000000003;Parent=0000000000000003;Sampled=1", variables.GetProperty("_X_AMZN_TRACE_ID").GetString());
        }

        var print = await fake.Enqueue("""{"action":"print","text":"hello from the function"}""").Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Response, print.Kind);

        var alloc = await fake.Enqueue("""{"action":"alloc","mb":8}""").Result.WaitAsync(Timeout);
        using (var json = JsonDocument.Parse(alloc.Body))
        {
            Assert.Equal(2048, json.RootElement.GetProperty("pagesTouched").GetInt64());
        }

        var crash = fake.Enqueue("""{"action":"crash"}""");
        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.False(crash.Result.IsCompleted);
        Assert.Contains("hello from the function", process.OutputText);
    }

    [Theory]
    [InlineData("error", 1)]
    [InlineData("crash", 3)]
    public async Task Init_modes_error_and_crash_exit_non_zero(string mode, int exitCode)
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        using var process = Start(fake, new() { ["TEST_FUNCTION_INIT"] = mode });

        Assert.Equal(exitCode, await process.WaitForExitAsync(Timeout));
        if (mode == "error")
        {
            var initError = await fake.InitError.WaitAsync(Timeout);
            Assert.Equal("TestFunction.InitError", initError.Header(RuntimeApi.Headers.FunctionErrorType));
        }
        else
        {
            Assert.False(fake.InitError.IsCompleted);
        }

        Assert.Equal(0, fake.NextCalls);
    }

    [Fact]
    public async Task Slow_init_delays_the_first_next()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var watch = Stopwatch.StartNew();
        using var process = Start(fake, new() { ["TEST_FUNCTION_INIT"] = "sleep:500" });

        var result = await fake.Enqueue("{}").Result.WaitAsync(Timeout);
        Assert.Equal("{}", result.BodyText);
        Assert.True(watch.ElapsedMilliseconds >= 500);
    }

    /// <summary>The test function against <paramref name="fake"/>; disposing it kills the process if it is still running.</summary>
    private static FunctionProcess Start(FakeRuntimeApi fake, Dictionary<string, string> environment)
    {
        var executable = Environment.GetEnvironmentVariable("TEST_FUNCTION_EXECUTABLE");
        environment[LambdaEnvironmentVariables.RuntimeApi] = fake.RuntimeApi;
        return string.IsNullOrEmpty(executable)
            ? new FunctionProcess("dotnet", [TestFunctionDll], environment)
            : new FunctionProcess(executable, [], environment);
    }
}
