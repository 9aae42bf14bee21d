using System.Text;

namespace LlamaAspire.LambdaEmulator.Tests;

/// <summary><c>X-Amz-Log-Type: Tail</c> holds everything the function wrote before it answered, ahead of END and REPORT.</summary>
public sealed class LogTailTests
{
    [Fact]
    public async Task Output_written_just_before_the_response_is_in_the_tail_before_END_every_time()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorHost.TestFunction("fn"));
        for (var i = 0; i < 20; i++)
        {
            // 100 KB in one line right before the response: more than the pipe's reader gets through in a fixed pause.
            var marker = $"marker-{i:D2}";
            var text = new string('x', 100_000) + marker;
            using var response = await host.InvokeAsync("fn", $$"""{"action":"print","text":"{{text}}"}""", tail: true);

            var tail = Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Amz-Log-Result").Single()));
            var markerAt = tail.IndexOf(marker + "\n", StringComparison.Ordinal);
            var endAt = tail.IndexOf("END RequestId: ", StringComparison.Ordinal);
            Assert.True(markerAt >= 0 && endAt > markerAt, $"invoke {i}: the function's last line is not before END in the tail:\n{tail[^Math.Min(tail.Length, 300)..]}");
        }
    }
}
