using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime.Tests;

/// <summary>The runtime opens its Runtime API connection while the function initializes, and its first <c>GET next</c> uses it.</summary>
public sealed class BackgroundConnectTests
{
    [Fact]
    public async Task The_connection_is_opened_during_init_and_the_first_next_is_sent_on_it()
    {
        // A bare TCP listener, not an HTTP server: the test sees the connection itself, before any request.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var acceptedDuringInit = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = Task.Run(() => LambdaBootstrap.RunAsync(
            async token =>
            {
                // Init ends only once the runtime has connected: without the background connect this would time out.
                acceptedDuringInit.SetResult(await listener.AcceptSocketAsync(token).AsTask().WaitAsync(BootstrapHarness.Timeout, token));
                return new DelegateLambdaHandler((_, _) => Task.FromResult(LambdaResponse.Buffered("ok"u8.ToArray(), "text/plain")));
            },
            new LambdaBootstrapOptions { RuntimeApi = $"127.0.0.1:{port}", Environment = new InMemoryLambdaEnvironment(), Log = _ => { } },
            stop.Token));

        try
        {
            if (await Task.WhenAny(acceptedDuringInit.Task, run).WaitAsync(BootstrapHarness.Timeout) == run)
            {
                Assert.Fail($"The bootstrap ended (exit code {await run}) before init accepted a connection.");
            }

            var head = await ReadRequestHeadAsync(await acceptedDuringInit.Task);
            Assert.StartsWith($"GET /{RuntimeApi.Version}/{RuntimeApi.NextPath} HTTP/1.1\r\n", head, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            if (acceptedDuringInit.Task.IsCompletedSuccessfully)
            {
                (await acceptedDuringInit.Task).Dispose();
            }

            await run.WaitAsync(BootstrapHarness.Timeout);
        }
    }

    private static async Task<string> ReadRequestHeadAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(BootstrapHarness.Timeout);
        var buffer = new byte[4096];
        var head = new StringBuilder();
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(read > 0, $"The connection closed after '{head}'.");
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return head.ToString();
    }
}
