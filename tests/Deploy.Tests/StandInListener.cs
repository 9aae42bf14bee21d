using System.Net;
using System.Net.Sockets;

namespace LlamaAspire.Deploy.Tests;

/// <summary>
/// The HTTP side every AWS API stand-in shares: an <see cref="HttpListener"/> on a free loopback port that reads each request's
/// body, hands it to the stand-in and writes its answer back. Create it last in the stand-in's constructor: it serves at once.
/// </summary>
public sealed class StandInListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, byte[], StandInAnswer> _answer;

    public StandInListener(Func<HttpListenerRequest, byte[], StandInAnswer> answer)
    {
        _answer = answer;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var answer = _answer(context.Request, body.ToArray());
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            await context.Response.OutputStream.WriteAsync(answer.Body);
            context.Response.Close();
        }
    }
}

/// <summary>A stand-in's answer to one request.</summary>
public readonly record struct StandInAnswer(int Status, string ContentType, byte[] Body);
