using System.Diagnostics;
using Xunit.Abstractions;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>Measures (prints, loosely asserts) the runtime's warm-path cost: one buffered and one streamed round trip through the fake API.</summary>
public sealed class WarmPathTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warm_invokes_round_trip_quickly(bool streaming)
    {
        await using var fake = await FakeAwsRuntimeApi.StartAsync();
        var body = "{\"ok\":true}"u8.ToArray();
        await using var runtime = BootstrapHarness.Start(fake, (invocation, _) => Task.FromResult(streaming
            ? LambdaResponse.Streaming("application/json", (stream, ct) => stream.WriteAsync(body, ct).AsTask())
            : LambdaResponse.Buffered(invocation.Payload)));

        for (var i = 0; i < 300; i++)
        {
            await fake.Enqueue().Result.WaitAsync(BootstrapHarness.Timeout);
        }

        const int count = 1000;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await fake.Enqueue().Result.WaitAsync(BootstrapHarness.Timeout);
        }

        var perInvoke = watch.Elapsed.TotalMilliseconds / count;
        output.WriteLine($"{(streaming ? "streamed" : "buffered")}: {perInvoke:F3} ms per invoke (runtime + fake Runtime API, {count} invokes)");
        Assert.InRange(perInvoke, 0, 20); // loose: shared CI cores; the printed figure is the point
    }
}
