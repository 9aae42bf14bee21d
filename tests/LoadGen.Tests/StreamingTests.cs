using System.Text;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Scheduling;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>InvokeWithResponseStream against the slow target: first chunk timed, answer and REPORT read from the stream.</summary>
public sealed class StreamingTests
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"prompt":"hi","max_tokens":7,"stream":true}""");

    private static async Task<RequestRecord> InvokeOnceAsync(SlowTarget server)
    {
        using var client = LambdaHttpTarget.CreateClient(server.Address, TimeSpan.FromSeconds(30));
        var target = new LambdaHttpTarget(client, "slow", UnsignedRequests.Instance, "slow", InvokeMode.Streaming);
        var result = await new OpenLoopRunner(target, new RunnerOptions { MaxRequests = 1 }).RunAsync(ArrivalSchedules.Burst(1, 1, TimeSpan.Zero), _ => Payload, default);
        return Assert.Single(result.Requests);
    }

    [Fact]
    public async Task The_first_chunk_is_timed_before_the_end_and_the_last_event_is_read()
    {
        // A delta after 300 ms, the end after 600 ms: the first chunk is timed at ≈ 300, the answer at ≈ 600.
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(300));

        var r = await InvokeOnceAsync(server);

        Assert.Equal(RequestOutcome.Ok, r.Outcome);
        Assert.InRange(r.FirstChunkMs!.Value, 280, r.LatencyMs!.Value - 250);
        Assert.InRange(r.LatencyMs.Value, 580, 5000);
        Assert.Equal(7, r.Answer!.CompletionTokens);
        Assert.Equal(3.5, r.Answer.TimeToFirstTokenMs);
        Assert.Equal(600, r.Report!.DurationMs);
        Assert.Equal("req-1", r.RequestId);
    }

    [Fact]
    public async Task An_error_in_InvokeComplete_is_a_function_error_of_that_type()
    {
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromMilliseconds(1));
        server.StreamError = "Runtime.ExitError";

        var r = await InvokeOnceAsync(server);

        Assert.Equal(RequestOutcome.FunctionError, r.Outcome);
        Assert.Equal("Runtime.ExitError", r.ErrorType);
        Assert.NotNull(r.Report);
    }

    [Fact]
    public void A_buffered_body_is_read_when_the_function_did_not_stream()
    {
        var answer = FunctionAnswer.ParseStream("""{"usage":{"completion_tokens":3}}"""u8);

        Assert.Equal(3, answer!.CompletionTokens);
    }
}
