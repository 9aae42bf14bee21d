using LlamaAspire.LambdaContracts;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>
/// Runs tests/TestFunction as a real process against <see cref="FakeAwsRuntimeApi"/>: JIT (<c>dotnet TestFunction.dll</c>), or the
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
        await using var fake = await FakeAwsRuntimeApi.StartAsync("/test-function");
        using var process = Start(fake, new() { ["MARKER"] = "marker-value" });
        try
        {
            var echo = await fake.Enqueue("""{"action":"echo","x":[1,2,3]}""").Result.WaitAsync(Timeout);
            Assert.Equal("""{"action":"echo","x":[1,2,3]}""", echo.BodyText);

            var plain = await fake.Enqueue("not json").Result.WaitAsync(Timeout);
            Assert.Equal("not json", plain.BodyText);

            var error = await fake.Enqueue("""{"action":"error","errorType":"Custom.Failure","message":"asked to fail"}""").Result.WaitAsync(Timeout);
            Assert.Equal("error", error.Kind);
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
            Assert.Equal("response", print.Kind);

            var alloc = await fake.Enqueue("""{"action":"alloc","mb":8}""").Result.WaitAsync(Timeout);
            using (var json = JsonDocument.Parse(alloc.Body))
            {
                Assert.Equal(2048, json.RootElement.GetProperty("pagesTouched").GetInt64());
            }

            var crash = fake.Enqueue("""{"action":"crash"}""");
            await process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Equal(1, process.ExitCode);
            Assert.False(crash.Result.IsCompleted);
            Assert.Contains("hello from the function", Output(process));
        }
        finally
        {
            Kill(process);
        }
    }

    [Theory]
    [InlineData("error", 1)]
    [InlineData("crash", 3)]
    public async Task Init_modes_error_and_crash_exit_non_zero(string mode, int exitCode)
    {
        await using var fake = await FakeAwsRuntimeApi.StartAsync();
        using var process = Start(fake, new() { ["TEST_FUNCTION_INIT"] = mode });
        try
        {
            await process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Equal(exitCode, process.ExitCode);
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
        finally
        {
            Kill(process);
        }
    }

    [Fact]
    public async Task Slow_init_delays_the_first_next()
    {
        await using var fake = await FakeAwsRuntimeApi.StartAsync();
        var watch = Stopwatch.StartNew();
        using var process = Start(fake, new() { ["TEST_FUNCTION_INIT"] = "sleep:500" });
        try
        {
            var result = await fake.Enqueue("{}").Result.WaitAsync(Timeout);
            Assert.Equal("{}", result.BodyText);
            Assert.True(watch.ElapsedMilliseconds >= 500);
        }
        finally
        {
            Kill(process);
        }
    }

    private static Process Start(FakeAwsRuntimeApi fake, Dictionary<string, string> environment)
    {
        var executable = Environment.GetEnvironmentVariable("TEST_FUNCTION_EXECUTABLE");
        var info = new ProcessStartInfo(string.IsNullOrEmpty(executable) ? "dotnet" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(executable))
        {
            info.ArgumentList.Add(TestFunctionDll);
        }

        info.Environment[LambdaEnvironmentVariables.RuntimeApi] = fake.RuntimeApi;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        s_outputs.AddOrUpdate(process, output);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, StringBuilder> s_outputs = new();

    private static string Output(Process process)
    {
        process.WaitForExit(); // drains the redirected streams
        var output = s_outputs.TryGetValue(process, out var builder) ? builder : new StringBuilder();
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
