using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Targets;

/// <summary>
/// A function URL: the payload POSTed as the HTTP body, the function's answer as the response body (streamed chunk by chunk
/// when the URL's invoke mode is RESPONSE_STREAM). A URL returns no log tail, so there is no REPORT: whether an invoke was
/// cold comes from the function's own <c>timings.cold_start</c>, and Billed Duration (hence cost) is not known.
/// </summary>
public sealed class FunctionUrlTarget(HttpClient client, Uri url, string functionName, IRequestSigner signer, string description,
    InvokeMode mode = InvokeMode.Buffered) : IInvokeTarget
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <inheritdoc />
    public string FunctionName => functionName;

    /// <inheritdoc />
    public string Description => description;

    /// <inheritdoc />
    public async Task<InvokeResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(payload.ToArray()) { Headers = { ContentType = Json } },
        };
        await signer.SignAsync(request, cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var requestId = response.Headers.TryGetValues(InvokeApi.Headers.RequestId, out var ids) ? ids.FirstOrDefault() : null;
            var status = (int)response.StatusCode;
            var (body, firstChunk) = await ReadAsync(response, clock, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return new InvokeResult(RequestOutcome.Throttled) { StatusCode = status, ErrorType = "TooManyRequests", RequestId = requestId };
            }

            if (!response.IsSuccessStatusCode)
            {
                // 403: the signature or the caller's permission; 502: the function failed (a URL does not say how).
                return new InvokeResult(response.StatusCode == HttpStatusCode.BadGateway ? RequestOutcome.FunctionError : RequestOutcome.ServiceError)
                {
                    StatusCode = status, ErrorType = $"HTTP {status}", RequestId = requestId,
                };
            }

            return new InvokeResult(RequestOutcome.Ok)
            {
                StatusCode = status, RequestId = requestId, FirstChunkMs = mode == InvokeMode.Streaming ? firstChunk : null, Answer = FunctionAnswer.ParseStream(body),
            };
        }
        catch (Exception ex) when (InvokeResult.TransportFailure(ex, cancellationToken) is { } failure)
        {
            return failure;
        }
    }

    /// <summary>The whole body and when its first bytes arrived (ms after the send).</summary>
    private static async Task<(byte[] Body, double? FirstChunkMs)> ReadAsync(HttpResponseMessage response, Stopwatch clock, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var buffer = new byte[16 * 1024];
            double? first = null;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                first ??= clock.Elapsed.TotalMilliseconds;
                body.Write(buffer, 0, read);
            }

            return (body.ToArray(), first);
        }
    }
}
