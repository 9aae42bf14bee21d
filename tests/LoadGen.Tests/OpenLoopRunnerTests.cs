using System.Text;
using LlamaAspire.LoadGen.Measurement;
using LlamaAspire.LoadGen.Scheduling;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Tests;

/// <summary>The scheduler against a real, deliberately slow HTTP target on 127.0.0.1.</summary>
[Collection(TimingCollection.Name)]
public sealed class OpenLoopRunnerTests
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"prompt":"hi","max_tokens":4}""");

    private static async Task<(RunResult Result, SlowTarget Server)> RunAsync(TimeSpan delay, IEnumerable<TimeSpan> schedule, RunnerOptions options, CancellationToken cancellationToken = default)
    {
        var server = await SlowTarget.StartAsync(delay);
        using var client = LambdaHttpTarget.CreateClient(server.Address, TimeSpan.FromSeconds(30));
        var target = new LambdaHttpTarget(client, "slow", UnsignedRequests.Instance, "slow test target");
        var result = await new OpenLoopRunner(target, options).RunAsync(schedule, _ => Payload, cancellationToken);
        return (result, server);
    }

    [Fact]
    public async Task Arrivals_do_not_wait_for_answers()
    {
        // 6 requests 50 ms apart against a 400 ms target: all are sent before the first answer (250 ms < 400 ms).
        var (result, server) = await RunAsync(TimeSpan.FromMilliseconds(400), ArrivalSchedules.Steady(20), new RunnerOptions { MaxRequests = 6 });
        await server.DisposeAsync();

        Assert.Equal(6, result.Requests.Count);
        Assert.All(result.Requests, r => Assert.Equal(RequestOutcome.Ok, r.Outcome));
        Assert.True(result.Requests[^1].SentMs < result.Requests[0].SentMs + result.Requests[0].ServiceMs,
            $"last send at {result.Requests[^1].SentMs} ms, first answer at {result.Requests[0].SentMs + result.Requests[0].ServiceMs} ms");
        Assert.True(server.PeakConcurrency >= 4, $"peak concurrency {server.PeakConcurrency}");
        Assert.All(result.Requests, r => Assert.InRange(r.ServiceMs!.Value, 390, 5000)); // timers may fire a little early
    }

    [Fact]
    public async Task Latency_counts_from_the_scheduled_send_when_the_target_falls_behind()
    {
        // One request in flight at a time, 200 ms each, scheduled every 50 ms: request k can only go at ≈ 200k ms, so its
        // latency from the schedule is ≈ 200(k + 1) − 50k, while its service time stays ≈ 200 ms. A closed-loop tool
        // would report 200 ms for all five.
        var (result, server) = await RunAsync(TimeSpan.FromMilliseconds(200), ArrivalSchedules.Steady(20),
            new RunnerOptions { MaxRequests = 5, MaxInFlight = 1, Overload = OverloadPolicy.Wait });
        await server.DisposeAsync();

        Assert.Equal(1, server.PeakConcurrency);
        Assert.All(result.Requests, r =>
        {
            Assert.Equal(RequestOutcome.Ok, r.Outcome);
            // Latency = (sent − scheduled) + service: the wait for a slot is in it.
            Assert.Equal(r.SentMs!.Value - r.ScheduledMs + r.ServiceMs!.Value, r.LatencyMs!.Value, 1e-6);
        });
        Assert.False(result.Requests[0].Late);
        Assert.All(result.Requests.Skip(1), r => Assert.True(r.Late, $"request {r.Index} sent at {r.SentMs} for {r.ScheduledMs}"));
        Assert.True(result.Requests[4].LatencyMs >= 1000 - 200, $"last latency {result.Requests[4].LatencyMs} ms"); // ≈ 200 × 5 − 50 × 4 = 800
        Assert.True(result.Requests[4].ServiceMs < 600, $"last service time {result.Requests[4].ServiceMs} ms");

        var summary = VariantSummary.Of(result.Requests, new Cost.CostModel(new Cost.LambdaPrices(), Cost.LambdaPrices.X64));
        Assert.Equal(4, summary.Late);
        Assert.True(summary.All.Max >= 800, $"max {summary.All.Max}");
    }

    [Fact]
    public async Task Sends_past_the_in_flight_limit_are_dropped_and_counted()
    {
        // 0, 40, 80, 120, 160 ms against one slot held for 500 ms: the first goes, the other four are dropped.
        var (result, server) = await RunAsync(TimeSpan.FromMilliseconds(500), ArrivalSchedules.Steady(25),
            new RunnerOptions { MaxRequests = 5, MaxInFlight = 1, Overload = OverloadPolicy.Drop });
        await server.DisposeAsync();

        Assert.Equal(RequestOutcome.Ok, result.Requests[0].Outcome);
        Assert.All(result.Requests.Skip(1), r =>
        {
            Assert.Equal(RequestOutcome.Dropped, r.Outcome);
            Assert.Null(r.SentMs);
            Assert.Null(r.LatencyMs);
        });
    }

    [Fact]
    public async Task Sends_still_waiting_for_a_slot_when_the_time_bound_ends_are_dropped()
    {
        // One slot held for 1 s, 10 per second for 0.5 s (0, 100, …, 500 ms): the first goes, the other five wait for a
        // slot that frees only after the bound, so they are dropped — and the run does not wait for the schedule to drain.
        var (result, server) = await RunAsync(TimeSpan.FromSeconds(1), ArrivalSchedules.Steady(10),
            new RunnerOptions { MaxInFlight = 1, Overload = OverloadPolicy.Wait, MaxDuration = TimeSpan.FromMilliseconds(500) });
        await server.DisposeAsync();

        Assert.Equal(6, result.Requests.Count);
        Assert.Equal(RequestOutcome.Ok, result.Requests[0].Outcome);
        Assert.All(result.Requests.Skip(1), r => Assert.Equal(RequestOutcome.Dropped, r.Outcome));
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(1.8), $"elapsed {result.Elapsed}");
    }

    [Fact]
    public async Task The_time_bound_ends_the_schedule()
    {
        // 100 per second for 200 ms: offsets 0, 10, …, 200 ms — 21 requests, whatever the count bound.
        var (result, server) = await RunAsync(TimeSpan.FromMilliseconds(1), ArrivalSchedules.Steady(100),
            new RunnerOptions { MaxRequests = 1000, MaxDuration = TimeSpan.FromMilliseconds(200) });
        await server.DisposeAsync();

        Assert.Equal(21, result.Requests.Count);
        Assert.False(result.Interrupted);
    }

    [Fact]
    public async Task Cancelling_returns_what_was_measured_and_marks_the_rest()
    {
        // Ctrl+C at 350 ms into a 10 per second schedule against a 2 s target: 4 sent (0, 100, 200, 300 ms), none
        // answered, all cancelled. The stop is timed from the run's start, not from the server's.
        await using var server = await SlowTarget.StartAsync(TimeSpan.FromSeconds(2));
        using var client = LambdaHttpTarget.CreateClient(server.Address, TimeSpan.FromSeconds(30));
        var target = new LambdaHttpTarget(client, "slow", UnsignedRequests.Instance, "slow test target");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(350));

        var result = await new OpenLoopRunner(target, new RunnerOptions { MaxRequests = 100 }).RunAsync(ArrivalSchedules.Steady(10), _ => Payload, cts.Token);

        Assert.True(result.Interrupted);
        Assert.InRange(result.Requests.Count, 3, 5); // a loaded machine may fire the stop a little early or late
        Assert.All(result.Requests, r => Assert.Equal(RequestOutcome.Cancelled, r.Outcome));
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(1.5), $"elapsed {result.Elapsed}");
    }

    [Fact]
    public async Task Report_and_answer_are_read_and_the_first_invoke_is_cold()
    {
        var (result, server) = await RunAsync(TimeSpan.FromMilliseconds(5), ArrivalSchedules.Steady(50), new RunnerOptions { MaxRequests = 3, MaxInFlight = 1 });
        await server.DisposeAsync();

        Assert.Equal([true, false, false], result.Requests.Select(r => r.Cold));
        Assert.Equal(100, result.Requests[0].Report!.InitDurationMs);
        Assert.Equal(105, result.Requests[0].Report!.BilledDurationMs);
        Assert.Equal(1024, result.Requests[0].Report!.MemorySizeMb);
        Assert.Equal("req-1", result.Requests[0].RequestId);
        Assert.Equal(4, result.Requests[1].Answer!.CompletionTokens);
        Assert.Equal(12.5, result.Requests[1].Answer!.TimeToFirstTokenMs);
        Assert.Equal(true, result.Requests[0].Answer!.ColdStart);
    }

    [Fact]
    public async Task Throttles_are_counted_by_type()
    {
        var server = await SlowTarget.StartAsync(TimeSpan.Zero);
        server.FailWith = 429;
        using var client = LambdaHttpTarget.CreateClient(server.Address, TimeSpan.FromSeconds(30));
        var target = new LambdaHttpTarget(client, "slow", UnsignedRequests.Instance, "slow test target");
        var result = await new OpenLoopRunner(target, new RunnerOptions { MaxRequests = 3 }).RunAsync(ArrivalSchedules.Burst(3, 1, TimeSpan.Zero), _ => Payload, default);
        await server.DisposeAsync();

        var summary = VariantSummary.Of(result.Requests, new Cost.CostModel(new Cost.LambdaPrices(), Cost.LambdaPrices.X64));
        Assert.Equal(3, summary.Outcomes[RequestOutcome.Throttled]);
        Assert.Equal(3, summary.Errors["throttled/TooManyRequestsException"]);
        Assert.Equal(0, summary.Ok);
    }
}
