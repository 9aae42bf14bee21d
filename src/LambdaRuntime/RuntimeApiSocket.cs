using System.Net;
using System.Net.Sockets;

namespace LlamaAspire.LambdaRuntime;

/// <summary>A TCP connection to the Runtime API (Nagle off: requests are small and latency is the point).</summary>
internal static class RuntimeApiSocket
{
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(new DnsEndPoint(host, port), cancellationToken).ConfigureAwait(false);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
