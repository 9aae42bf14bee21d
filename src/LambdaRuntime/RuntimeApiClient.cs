using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime;

/// <summary>
/// A small client for the Lambda Runtime API (2018-06-01). Buffered calls go through one <see cref="HttpClient"/> (pooled keep-alive
/// connection, no timeout so <c>next</c> can long-poll); streamed responses go through <see cref="Http11StreamingConnection"/>, our own
/// HTTP/1.1 chunked writer on a socket of its own, because HttpClient cannot send request trailers.
/// Failed calls throw <see cref="HttpRequestException"/> with <see cref="HttpRequestException.StatusCode"/> set when the API answered.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    internal const string UserAgent = "llamaaspire-lambda-runtime/1.0";
    private readonly HttpClient _http;
    private readonly Uri _nextUri;
    private readonly Uri _initErrorUri;
    private readonly Uri _restoreNextUri;
    private readonly Uri _restoreErrorUri;
    private readonly string _invocationBase;
    private readonly string _invocationPathBase;
    private readonly LambdaBootstrapOptions _options;
    private Task<Socket>? _preconnected;

    /// <summary>A client of the Runtime API <paramref name="options"/> names (by default, <c>AWS_LAMBDA_RUNTIME_API</c>).</summary>
    public RuntimeApiClient(LambdaBootstrapOptions? options = null)
    {
        _options = options ?? new LambdaBootstrapOptions();
        BaseUri = _options.ResolveBaseUri();
        _nextUri = new Uri(BaseUri, RuntimeApi.NextPath);
        _initErrorUri = new Uri(BaseUri, RuntimeApi.InitErrorPath);
        _restoreNextUri = new Uri(BaseUri, RuntimeApi.RestoreNextPath);
        _restoreErrorUri = new Uri(BaseUri, RuntimeApi.RestoreErrorPath);
        _invocationBase = BaseUri.AbsoluteUri + RuntimeApi.InvocationPathPrefix;
        _invocationPathBase = BaseUri.AbsolutePath + RuntimeApi.InvocationPathPrefix;

        var handler = _options.HttpMessageHandler ?? new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler, disposeHandler: _options.HttpMessageHandler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan, // GET next long-polls: never time it out.
        };
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", UserAgent);
    }

    /// <summary>The API's base URI, e.g. <c>http://127.0.0.1:9001/2018-06-01/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// Starts connecting to the Runtime API in the background; the first call uses that connection. The bootstrap calls it
    /// before the function's init, so the connect and the socket engine's start overlap the init instead of delaying the first
    /// <c>GET next</c> (measured here: the cold first <c>next</c> went from about 6 ms to about 2 ms). A failed connect is not
    /// reported here: the first call connects again and reports its own failure. No effect with <see cref="LambdaBootstrapOptions.HttpMessageHandler"/>.
    /// </summary>
    public void ConnectInBackground()
    {
        if (_options.HttpMessageHandler is not null || _preconnected is not null)
        {
            return;
        }

        _preconnected = Task.Run(() => RuntimeApiSocket.ConnectAsync(BaseUri.Host, BaseUri.Port, CancellationToken.None));
    }

    /// <summary><c>GET /runtime/invocation/next</c>: waits (without timeout) for the next invoke.</summary>
    public async Task<LambdaInvocation> NextAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _nextUri);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync("GET next", response, cancellationToken).ConfigureAwait(false);
        }

        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headers = response.Headers.NonValidated;
        var requestId = Header(headers, RuntimeApi.Headers.AwsRequestId);
        if (string.IsNullOrEmpty(requestId))
        {
            throw new HttpRequestException($"GET next answered without a {RuntimeApi.Headers.AwsRequestId} header.");
        }

        var deadline = DateTimeOffset.MaxValue;
        if (long.TryParse(Header(headers, RuntimeApi.Headers.DeadlineMs), out var deadlineMs))
        {
            deadline = DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs);
        }

        return new LambdaInvocation(
            requestId,
            deadline,
            Header(headers, RuntimeApi.Headers.InvokedFunctionArn) ?? string.Empty,
            Header(headers, RuntimeApi.Headers.TraceId),
            Header(headers, RuntimeApi.Headers.ClientContext),
            Header(headers, RuntimeApi.Headers.CognitoIdentity),
            payload)
        {
            TenantId = Header(headers, RuntimeApi.Headers.TenantId),
            TimeProvider = _options.TimeProvider,
        };
    }

    /// <summary><c>POST /runtime/invocation/{id}/response</c> with the whole body. Does not check the 6 MB limit (the bootstrap does).</summary>
    public async Task SendResponseAsync(
        string requestId, ReadOnlyMemory<byte> body, string contentType = RuntimeApi.JsonContentType, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        await PostAsync(InvocationUri(requestId, RuntimeApi.ResponsePathSuffix), content, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /runtime/invocation/{id}/response</c> streamed: <c>Lambda-Runtime-Function-Response-Mode: streaming</c>, chunked, each
    /// write of <paramref name="writeAsync"/> sent as one chunk at once. If <paramref name="writeAsync"/> throws, the error is reported
    /// as the <c>Lambda-Runtime-Function-Error-Type</c> / <c>Lambda-Runtime-Function-Error-Body</c> (base64 error JSON) trailers and
    /// is not rethrown. Needs a TCP endpoint (not <see cref="LambdaBootstrapOptions.HttpMessageHandler"/>).
    /// </summary>
    /// <param name="requestId">The invoke's request id.</param>
    /// <param name="contentType">The response's content type.</param>
    /// <param name="writeAsync">Writes the body.</param>
    /// <param name="cancellationToken">Passed to <paramref name="writeAsync"/> (the invoke's deadline).</param>
    public Task SendStreamingResponseAsync(
        string requestId, string contentType, Func<Stream, CancellationToken, Task> writeAsync, CancellationToken cancellationToken = default) =>
        SendStreamingResponseAsync(requestId, contentType, writeAsync, cancellationToken, CancellationToken.None);

    internal async Task SendStreamingResponseAsync(
        string requestId, string contentType, Func<Stream, CancellationToken, Task> writeAsync, CancellationToken writerToken, CancellationToken ioToken)
    {
        ArgumentNullException.ThrowIfNull(writeAsync);

        // One connection per streamed response, closed once Lambda has answered: AWS's custom-runtime guide says the runtime must
        // "close the underlying connection after it has successfully written the response".
        using var connection = await Http11StreamingConnection.ConnectAsync(BaseUri.Host, BaseUri.Port, ioToken).ConfigureAwait(false);
        var path = _invocationPathBase + Uri.EscapeDataString(requestId) + RuntimeApi.ResponsePathSuffix;
        var result = await connection.SendStreamingAsync(BaseUri.Authority, path, contentType, writeAsync, writerToken, ioToken).ConfigureAwait(false);
        if (result.HandlerError is { } error)
        {
            _options.LogOrDefault($"{requestId}\tERROR\tstreamed response failed, reported as trailers: {error}");
        }

        if (result.StatusCode is < 200 or > 299)
        {
            throw new HttpRequestException($"POST {path} (streaming) answered {result.StatusCode}.", null, (HttpStatusCode)result.StatusCode);
        }
    }

    /// <summary><c>POST /runtime/invocation/{id}/error</c> with the error JSON and <c>Lambda-Runtime-Function-Error-Type</c>.</summary>
    public Task ReportInvocationErrorAsync(string requestId, Exception exception, CancellationToken cancellationToken = default) =>
        PostErrorAsync(InvocationUri(requestId, RuntimeApi.ErrorPathSuffix), exception, cancellationToken);

    /// <summary><c>POST /runtime/init/error</c>. The caller should exit afterwards.</summary>
    public Task ReportInitErrorAsync(Exception exception, CancellationToken cancellationToken = default) =>
        PostErrorAsync(_initErrorUri, exception, cancellationToken);

    /// <summary>
    /// SnapStart: <c>GET /runtime/restore/next</c>, which returns (without timeout) once this environment has been restored from
    /// its snapshot. On Lambda the process is snapshotted while the call is outstanding and resumes inside it.
    /// </summary>
    public async Task RestoreNextAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _restoreNextUri);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync("GET restore/next", response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SnapStart: <c>POST /runtime/restore/error</c> (an after-restore hook failed). The caller should exit afterwards.</summary>
    public Task ReportRestoreErrorAsync(Exception exception, CancellationToken cancellationToken = default) =>
        PostErrorAsync(_restoreErrorUri, exception, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        // A background connection nobody took (init failed first) is closed with the client.
        if (Interlocked.Exchange(ref _preconnected, null) is { } preconnected)
        {
            _ = preconnected.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private async Task PostErrorAsync(Uri uri, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        using var content = new ByteArrayContent(LambdaErrorJson.Write(exception));
        content.Headers.TryAddWithoutValidation("Content-Type", RuntimeApi.ErrorContentType);
        await PostAsync(uri, content, LambdaErrorJson.HeaderSafe(LambdaErrorJson.ErrorTypeOf(exception)), cancellationToken).ConfigureAwait(false);
    }

    private async Task PostAsync(Uri uri, HttpContent content, string? errorType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(RuntimeApi.Headers.FunctionErrorType, errorType);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync("POST " + uri.AbsolutePath, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SocketsHttpHandler's connect step: the background connection once, then a new socket per connection.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        Socket? socket = null;
        if (Interlocked.Exchange(ref _preconnected, null) is { } preconnected)
        {
            try
            {
                socket = await preconnected.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                _options.LogOrDefault($"WARN\tthe background connection to the Runtime API failed ({ex.SocketErrorCode}); connecting again");
            }
        }

        socket ??= await RuntimeApiSocket.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private Uri InvocationUri(string requestId, string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return new Uri(_invocationBase + Uri.EscapeDataString(requestId) + suffix);
    }

    private static string? Header(HttpHeadersNonValidated headers, string name) =>
        headers.TryGetValues(name, out var values) && values.Count > 0 ? values.ToString() : null;

    private static async Task<HttpRequestException> FailureAsync(string call, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = string.Empty;
        }

        if (body.Length > 512)
        {
            body = body[..512];
        }

        return new HttpRequestException($"{call} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
    }
}
