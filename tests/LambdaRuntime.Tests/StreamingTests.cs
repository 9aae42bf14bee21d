using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime.Tests;

public sealed class StreamingTests
{
    private static readonly TimeSpan Timeout = BootstrapHarness.Timeout;

    [Fact]
    public async Task Chunks_arrive_in_order_as_they_are_written_before_the_handler_completes()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var handlerCompleted = false;
        await using var runtime = BootstrapHarness.Start(fake, (_, _) => Task.FromResult(LambdaResponse.Streaming(
            "text/event-stream",
            async (stream, cancellationToken) =>
            {
                for (var i = 0; i < gates.Length; i++)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"token-{i};"), cancellationToken);
                    // Only continue once the server saw this chunk: a buffering client would deadlock here.
                    await gates[i].Task.WaitAsync(Timeout, cancellationToken);
                }

                handlerCompleted = true;
            })));

        var queued = fake.Enqueue();
        for (var i = 0; i < gates.Length; i++)
        {
            var received = new StringBuilder();
            while (received.Length < $"token-{i};".Length)
            {
                var chunk = await queued.Chunks.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
                received.Append(Encoding.UTF8.GetString(chunk));
            }

            Assert.Equal($"token-{i};", received.ToString());
            Assert.False(handlerCompleted);
            gates[i].SetResult();
        }

        var result = await queued.Result.WaitAsync(Timeout);
        Assert.True(handlerCompleted);
        Assert.Equal(RuntimePostKind.Response, result.Kind);
        Assert.Equal("token-0;token-1;token-2;", result.BodyText);
        Assert.Equal(RuntimeApi.StreamingResponseMode, result.Header(RuntimeApi.Headers.FunctionResponseMode));
        Assert.Equal("chunked", result.Header("Transfer-Encoding"));
        Assert.Equal("text/event-stream", result.Header("Content-Type"));
        Assert.Contains(RuntimeApi.Headers.FunctionErrorType, result.Header("Trailer"));
        Assert.Contains(RuntimeApi.Headers.FunctionErrorBody, result.Header("Trailer"));
        Assert.Empty(result.Trailers);
    }

    [Fact]
    public async Task A_mid_stream_exception_arrives_as_trailers_and_the_loop_continues()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.Start(fake, (invocation, _) => Task.FromResult(LambdaResponse.Streaming(
            "text/plain",
            async (stream, cancellationToken) =>
            {
                await stream.WriteAsync("partial "u8.ToArray(), cancellationToken);
                stream.Write("output"u8);
                if (Encoding.UTF8.GetString(invocation.Payload.Span) == "\"fail\"")
                {
                    throw new LambdaFunctionException("Inference.DecodeFailed", "the decoder broke mid-stream");
                }
            })));

        var failing = await fake.Enqueue("\"fail\"").Result.WaitAsync(Timeout);
        Assert.Equal(RuntimePostKind.Response, failing.Kind);
        Assert.Equal("partial output", failing.BodyText);
        Assert.Equal("Inference.DecodeFailed", failing.Trailers[RuntimeApi.Headers.FunctionErrorType]);
        var errorJson = Convert.FromBase64String(failing.Trailers[RuntimeApi.Headers.FunctionErrorBody]);
        using (var json = JsonDocument.Parse(errorJson))
        {
            Assert.Equal("Inference.DecodeFailed", json.RootElement.GetProperty("errorType").GetString());
            Assert.Equal("the decoder broke mid-stream", json.RootElement.GetProperty("errorMessage").GetString());
            Assert.NotEqual(0, json.RootElement.GetProperty("stackTrace").GetArrayLength());
        }

        var fine = await fake.Enqueue("\"ok\"").Result.WaitAsync(Timeout);
        Assert.Equal("partial output", fine.BodyText);
        Assert.Empty(fine.Trailers);
    }

    [Fact]
    public async Task An_exception_before_the_first_write_is_reported_as_trailers_with_the_type_name()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        await using var runtime = BootstrapHarness.Start(fake, (_, _) => Task.FromResult(LambdaResponse.Streaming(
            "text/plain",
            (_, _) => throw new InvalidDataException("nothing to stream"))));

        var result = await fake.Enqueue().Result.WaitAsync(Timeout);
        Assert.Empty(result.Body);
        Assert.Equal("InvalidDataException", result.Trailers[RuntimeApi.Headers.FunctionErrorType]);
    }

    [Fact]
    public async Task Large_and_empty_writes_are_framed_correctly()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        var big = new byte[100_000];
        new Random(42).NextBytes(big);
        await using var runtime = BootstrapHarness.Start(fake, (_, _) => Task.FromResult(LambdaResponse.Streaming(
            "application/octet-stream",
            async (stream, cancellationToken) =>
            {
                await stream.WriteAsync(ReadOnlyMemory<byte>.Empty, cancellationToken); // must not end the body
                await stream.WriteAsync(big, cancellationToken);
                stream.WriteByte(7);
                await stream.FlushAsync(cancellationToken);
            })));

        var result = await fake.Enqueue().Result.WaitAsync(Timeout);
        Assert.Equal(big.Length + 1, result.Body.Length);
        Assert.True(result.Body.AsSpan(0, big.Length).SequenceEqual(big));
        Assert.Equal(7, result.Body[^1]);
    }

    [Fact]
    public async Task A_refused_streamed_response_is_logged_and_the_loop_continues()
    {
        await using var fake = await FakeRuntimeApi.StartAsync();
        fake.ResponseStatus = 403;
        await using var runtime = BootstrapHarness.Start(fake, (_, _) => Task.FromResult(LambdaResponse.Streaming(
            "text/plain", (stream, ct) => stream.WriteAsync("x"u8.ToArray(), ct).AsTask())));

        Assert.Equal(403, (await fake.Enqueue().Result.WaitAsync(Timeout)).AnsweredStatus);
        fake.ResponseStatus = 202;
        Assert.Equal("x", (await fake.Enqueue().Result.WaitAsync(Timeout)).BodyText);
        Assert.Contains(runtime.Log, line => line.Contains("403", StringComparison.Ordinal));
        Assert.False(runtime.Run.IsCompleted);
    }

    [Fact]
    public async Task The_client_streams_directly_without_the_bootstrap()
    {
        await using var fake = await FakeRuntimeApi.StartAsync("/direct");
        using var client = new RuntimeApiClient(new LambdaBootstrapOptions { RuntimeApi = fake.RuntimeApi, Environment = new InMemoryLambdaEnvironment() });
        var queued = fake.Enqueue("{\"x\":1}");
        var invocation = await client.NextAsync().WaitAsync(Timeout);
        Assert.Equal(queued.RequestId, invocation.RequestId);
        await client.SendStreamingResponseAsync(invocation.RequestId, "text/plain", async (stream, ct) =>
        {
            await stream.WriteAsync("a"u8.ToArray(), ct);
            await stream.WriteAsync("b"u8.ToArray(), ct);
        }).WaitAsync(Timeout);
        Assert.Equal("ab", (await queued.Result.WaitAsync(Timeout)).BodyText);
    }
}
