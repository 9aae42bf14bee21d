using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime.Tests;

public sealed class LambdaBootstrapTests
{
    private static readonly TimeSpan Timeout = BootstrapHarness.Timeout;

    private static LambdaResponse Text(string text, string contentType = "text/plain") =>
        LambdaResponse.Buffered(Encoding.UTF8.GetBytes(text), contentType);

    [Fact]
    public async Task Headers_are_parsed_into_the_invocation_and_the_response_is_posted()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var seen = new TaskCompletionSource<LambdaInvocation>();
        await using var runtime = BootstrapHarness.Start(fake, (invocation, _) =>
        {
            seen.TrySetResult(invocation);
            return Task.FromResult(Text("echo:" + Encoding.UTF8.GetString(invocation.Payload.Span)));
        });

        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(42).ToUnixTimeMilliseconds());
        var queued = fake.Enqueue(
            """{"hello":"world"}""",
            requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
            deadline: deadline,
            traceId: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
            clientContext: """{"client":{"app_title":"x"}}""",
            cognitoIdentity: """{"cognitoIdentityId":"id"}""",
            functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:fn:live");

        var result = await queued.Result.WaitAsync(Timeout);
        var invocation = await seen.Task.WaitAsync(Timeout);

        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", invocation.RequestId);
        Assert.Equal(deadline, invocation.Deadline);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:fn:live", invocation.InvokedFunctionArn);
        Assert.Equal("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", invocation.TraceId);
        Assert.Equal("""{"client":{"app_title":"x"}}""", invocation.ClientContext);
        Assert.Equal("""{"cognitoIdentityId":"id"}""", invocation.CognitoIdentity);
        Assert.Equal("""{"hello":"world"}""", Encoding.UTF8.GetString(invocation.Payload.Span));
        Assert.InRange(invocation.RemainingTime, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(43));

        Assert.Equal(RuntimePostKind.Response, result.Kind);
        Assert.Equal("""echo:{"hello":"world"}""", result.BodyText);
        Assert.StartsWith("text/plain", result.Header("Content-Type"));
        Assert.Equal(0, await runtime.StopAsync());
    }

    [Fact]
    public async Task Trace_id_is_set_per_invoke_through_the_environment_seam()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        BootstrapHarness? harness = null;
        await using var runtime = harness = BootstrapHarness.Start(fake, (invocation, _) =>
            Task.FromResult(Text(harness!.Environment.GetVariable(LambdaEnvironmentVariables.TraceId) ?? "<none>")));

        var first = fake.Enqueue(traceId: "Root=1-00000001-000000000000000000000001;Parent=0000000000000001;Sampled=1");
        Assert.Equal("Root=1-00000001-000000000000000000000001;Parent=0000000000000001;Sampled=1", (await first.Result.WaitAsync(Timeout)).BodyText);
        var second = fake.Enqueue(traceId: "Root=1-00000002-000000000000000000000002;Parent=0000000000000002;Sampled=0");
        Assert.Equal("Root=1-00000002-000000000000000000000002;Parent=0000000000000002;Sampled=0", (await second.Result.WaitAsync(Timeout)).BodyText);
        var third = fake.Enqueue(traceId: null);
        Assert.Equal("<none>", (await third.Result.WaitAsync(Timeout)).BodyText);

        var history = runtime.Environment.History.Where(e => e.Key == LambdaEnvironmentVariables.TraceId).Select(e => e.Value).ToList();
        Assert.Equal(
            (IEnumerable<string?>)new string?[] { "Root=1-00000001-000000000000000000000001;Parent=0000000000000001;Sampled=1", "Root=1-00000002-000000000000000000000002;Parent=0000000000000002;Sampled=0", null },
            history);
    }

    [Fact]
    public async Task Cancellation_token_fires_at_the_deadline()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.Start(fake, async (invocation, cancellationToken) =>
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
                return Text("not cancelled");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Text($"cancelled after {watch.ElapsedMilliseconds} ms, remaining {(long)invocation.RemainingTime.TotalMilliseconds}");
            }
        });

        var queued = fake.Enqueue(deadline: DateTimeOffset.UtcNow.AddMilliseconds(400));
        var result = await queued.Result.WaitAsync(Timeout);
        Assert.StartsWith("cancelled after", result.BodyText);
        // Timers have millisecond ticks and, on a loaded machine, fire a few of them early: at the deadline means within 5 ms.
        Assert.InRange(long.Parse(result.BodyText.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture), 0, 5);

        // The next invoke gets a fresh, uncancelled token.
        var next = fake.Enqueue(deadline: DateTimeOffset.UtcNow.AddMilliseconds(300));
        Assert.StartsWith("cancelled after", (await next.Result.WaitAsync(Timeout)).BodyText);
    }

    [Fact]
    public async Task A_handler_exception_is_posted_to_error_and_the_loop_continues()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.Start(fake, (invocation, _) =>
            Encoding.UTF8.GetString(invocation.Payload.Span) == "\"fail\""
                ? throw new InvalidOperationException("the handler failed", new FormatException("inner cause"))
                : Task.FromResult(Text("ok")));

        var failing = fake.Enqueue("\"fail\"");
        var error = await failing.Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Error, error.Kind);
        Assert.Equal("InvalidOperationException", error.Header(RuntimeApi.Headers.FunctionErrorType));
        Assert.Equal(RuntimeApi.ErrorContentType, error.Header("Content-Type"));
        using (var json = JsonDocument.Parse(error.Body))
        {
            var root = json.RootElement;
            Assert.Equal("InvalidOperationException", root.GetProperty("errorType").GetString());
            Assert.Equal("the handler failed", root.GetProperty("errorMessage").GetString());
            var stackTrace = root.GetProperty("stackTrace");
            Assert.Equal(JsonValueKind.Array, stackTrace.ValueKind);
            Assert.NotEqual(0, stackTrace.GetArrayLength());
            Assert.All(stackTrace.EnumerateArray(), line => Assert.StartsWith("at ", line.GetString()));
            Assert.Equal("FormatException", root.GetProperty("cause").GetProperty("errorType").GetString());
        }

        var next = fake.Enqueue("\"fine\"");
        var ok = await next.Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Response, ok.Kind);
        Assert.Equal("ok", ok.BodyText);
        Assert.Contains(runtime.Log, line => line.StartsWith(failing.RequestId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LambdaFunctionException_reports_its_error_type()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.Start(fake, (_, _) =>
            throw new LambdaFunctionException("InvalidRequest.EmptyPrompt", "prompt must not be empty"));

        var result = await fake.Enqueue().Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Error, result.Kind);
        Assert.Equal("InvalidRequest.EmptyPrompt", result.Header(RuntimeApi.Headers.FunctionErrorType));
        using var json = JsonDocument.Parse(result.Body);
        Assert.Equal("InvalidRequest.EmptyPrompt", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("prompt must not be empty", json.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task An_init_error_is_posted_to_init_error_and_the_exit_code_is_non_zero()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.StartWithInit(fake, _ =>
            throw new LambdaFunctionException("Runtime.ModelNotFound", "model/model.onnx: not found"));

        var exitCode = await runtime.Run.WaitAsync(Timeout);
        Assert.Equal(LambdaBootstrap.ExitCodeInitError, exitCode);
        Assert.NotEqual(0, exitCode);

        var initError = await fake.InitError.WaitAsync(Timeout);
        Assert.Equal("Runtime.ModelNotFound", initError.Header(RuntimeApi.Headers.FunctionErrorType));
        Assert.Equal(RuntimeApi.ErrorContentType, initError.Header("Content-Type"));
        using var json = JsonDocument.Parse(initError.Body);
        Assert.Equal("Runtime.ModelNotFound", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("model/model.onnx: not found", json.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(0, fake.NextCalls);
    }

    [Fact]
    public async Task An_async_init_failure_reports_the_exception_type_name()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.StartWithInit(fake, async cancellationToken =>
        {
            await Task.Yield();
            throw new FileNotFoundException("no model");
        });

        Assert.Equal(LambdaBootstrap.ExitCodeInitError, await runtime.Run.WaitAsync(Timeout));
        Assert.Equal("FileNotFoundException", (await fake.InitError.WaitAsync(Timeout)).Header(RuntimeApi.Headers.FunctionErrorType));
    }

    [Fact]
    public async Task A_runtime_api_with_a_path_prefix_is_honoured_for_buffered_streamed_and_error_posts()
    {
        await using var fake = await FakeRuntimeApi.StartAsync("/my-function");
        Assert.EndsWith("/my-function", fake.RuntimeApi);
        await using var runtime = BootstrapHarness.Start(fake, (invocation, _) => Encoding.UTF8.GetString(invocation.Payload.Span) switch
        {
            "\"stream\"" => Task.FromResult(LambdaResponse.Streaming("text/plain", (stream, ct) => stream.WriteAsync("streamed"u8.ToArray(), ct).AsTask())),
            "\"fail\"" => throw new LambdaFunctionException("Test.Failure", "failed"),
            _ => Task.FromResult(Text("prefixed")),
        });

        Assert.Equal("prefixed", (await fake.Enqueue().Result.WaitAsync(Timeout)).BodyText);
        Assert.Equal("streamed", (await fake.Enqueue("\"stream\"").Result.WaitAsync(Timeout)).BodyText);
        Assert.Equal(RuntimePostKind.Error, (await fake.Enqueue("\"fail\"").Result.WaitAsync(Timeout)).Kind);
    }

    [Fact]
    public async Task A_buffered_response_over_6MB_is_reported_as_ResponseSizeTooLarge()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.Start(fake, (invocation, _) =>
        {
            var size = int.Parse(Encoding.UTF8.GetString(invocation.Payload.Span), System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(LambdaResponse.Buffered(new byte[size], "application/octet-stream"));
        });

        var atLimit = await fake.Enqueue(LambdaLimits.MaxBufferedResponseBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)).Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Response, atLimit.Kind);
        Assert.Equal(6_291_556, atLimit.Body.Length);

        var over = await fake.Enqueue((LambdaLimits.MaxBufferedResponseBytes + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Error, over.Kind);
        Assert.Equal("Function.ResponseSizeTooLarge", over.Header(RuntimeApi.Headers.FunctionErrorType));
        using var json = JsonDocument.Parse(over.Body);
        Assert.Equal("Function.ResponseSizeTooLarge", json.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("6291557", json.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Next_answering_500_makes_the_runtime_exit()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        fake.NextFailureStatus = 500;
        await using var runtime = BootstrapHarness.Start(fake, (_, _) => Task.FromResult(Text("never")));

        var exitCode = await runtime.Run.WaitAsync(Timeout);
        Assert.Equal(LambdaBootstrap.ExitCodeRuntimeApiError, exitCode);
        Assert.Equal(1, fake.NextCalls);
    }

    [Fact]
    public async Task A_refused_response_is_logged_and_the_loop_continues()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        fake.ResponseStatus = 413;
        await using var runtime = BootstrapHarness.Start(fake, (_, _) => Task.FromResult(Text("refused")));

        Assert.Equal(413, (await fake.Enqueue().Result.WaitAsync(Timeout)).AnsweredStatus);
        fake.ResponseStatus = 202;
        Assert.Equal(202, (await fake.Enqueue().Result.WaitAsync(Timeout)).AnsweredStatus);
        Assert.False(runtime.Run.IsCompleted);
    }

    [Fact]
    public async Task Without_a_runtime_api_the_bootstrap_exits_non_zero_without_initializing()
    {
        var initialized = false;
        var exitCode = await LambdaBootstrap.RunAsync(
            _ =>
            {
                initialized = true;
                return Task.FromResult<ILambdaHandler>(new DelegateLambdaHandler((_, _) => Task.FromResult(Text(""))));
            },
            new LambdaBootstrapOptions { Environment = new InMemoryLambdaEnvironment(), Log = _ => { } });

        Assert.Equal(LambdaBootstrap.ExitCodeRuntimeApiError, exitCode);
        Assert.False(initialized);
    }

    [Fact]
    public async Task Stopping_the_bootstrap_while_it_waits_for_next_returns_zero()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.Start(fake, (_, _) => Task.FromResult(Text("")));
        while (fake.NextCalls == 0)
        {
            await Task.Delay(10);
        }

        Assert.Equal(LambdaBootstrap.ExitCodeStopped, await runtime.StopAsync());
    }
}
