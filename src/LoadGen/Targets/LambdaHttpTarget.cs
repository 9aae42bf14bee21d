using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LoadGen.Measurement;

namespace LlamaAspire.LoadGen.Targets;

/// <summary>
/// Lambda's Invoke API over HTTP (<see cref="InvokeApi.InvokePath"/>, RequestResponse, <see cref="InvokeApi.TailLogType"/>
/// log tail) or InvokeWithResponseStream (<see cref="FunctionsApi.StreamingInvokePath"/>), as the emulator and AWS both serve
/// them; <see cref="IRequestSigner"/> is the difference between the two.
/// </summary>
public sealed class LambdaHttpTarget(HttpClient client, string functionName, IRequestSigner signer, string description,
    InvokeMode mode = InvokeMode.Buffered) : IInvokeTarget
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <inheritdoc />
    public string FunctionName => functionName;

    /// <inheritdoc />
    public string Description => description;

    /// <summary>A client for many concurrent invokes: no per-host connection cap, no client-side trace headers.</summary>
    public static HttpClient CreateClient(Uri endpoint, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ActivityHeadersPropagator = null,
        })
        {
            BaseAddress = endpoint,
            Timeout = timeout,
        };

    /// <inheritdoc />
    public async Task<InvokeResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var path = mode == InvokeMode.Streaming ? FunctionsApi.StreamingInvokePath(functionName) : InvokeApi.InvokePath(functionName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(client.BaseAddress!, path))
        {
            Content = new ReadOnlyMemoryContent(payload) { Headers = { ContentType = Json } },
        };
        request.Headers.Add(InvokeApi.Headers.InvocationType, InvokeApi.InvocationTypes.RequestResponse);
        request.Headers.Add(InvokeApi.Headers.LogType, InvokeApi.TailLogType);
        await signer.SignAsync(request, cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (mode == InvokeMode.Streaming && response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    return InterpretStream(response, await ResponseStreamReader.ReadAsync(body, clock, cancellationToken).ConfigureAwait(false));
                }
            }

            return Interpret(response, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (InvokeResult.TransportFailure(ex, cancellationToken) is { } failure)
        {
            return failure;
        }
    }

    /// <summary>A response stream's result: the error and log tail come in its last event, the function's figures in its last data event.</summary>
    internal static InvokeResult InterpretStream(HttpResponseMessage response, ResponseStreamReader.Result stream)
    {
        var requestId = Header(response, InvokeApi.Headers.RequestId);
        if (stream.Complete is not { } complete)
        {
            return new InvokeResult(RequestOutcome.TransportError) { StatusCode = (int)response.StatusCode, ErrorType = "StreamEndedEarly", RequestId = requestId };
        }

        var report = complete.LogResult is { } tail && TryTail(tail) is { Report: { } line } ? ReportFields.From(line) : null;
        var firstChunk = stream.FirstChunk?.TotalMilliseconds;
        return complete.ErrorCode is { } error
            ? new InvokeResult(RequestOutcome.FunctionError) { StatusCode = (int)response.StatusCode, ErrorType = error, RequestId = requestId, Report = report, FirstChunkMs = firstChunk }
            : new InvokeResult(RequestOutcome.Ok)
            {
                StatusCode = (int)response.StatusCode, RequestId = requestId, Report = report, FirstChunkMs = firstChunk,
                Answer = FunctionAnswer.ParseStream(stream.Payload),
            };
    }

    /// <summary>Turns an Invoke answer into a result: status, error type, REPORT and the function's own figures.</summary>
    internal static InvokeResult Interpret(HttpResponseMessage response, byte[] body)
    {
        var requestId = Header(response, InvokeApi.Headers.RequestId);
        var report = Header(response, InvokeApi.Headers.LogResult) is { } tail && TryTail(tail) is { Report: { } line }
            ? ReportFields.From(line)
            : null;
        var status = (int)response.StatusCode;

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new InvokeResult(RequestOutcome.Throttled) { StatusCode = status, ErrorType = ServiceErrorType(response), RequestId = requestId };
        }

        if (!response.IsSuccessStatusCode)
        {
            return new InvokeResult(RequestOutcome.ServiceError) { StatusCode = status, ErrorType = ServiceErrorType(response) ?? $"HTTP {status}", RequestId = requestId };
        }

        if (Header(response, InvokeApi.Headers.FunctionError) is not null)
        {
            return new InvokeResult(RequestOutcome.FunctionError)
            {
                StatusCode = status, ErrorType = FunctionErrorType(body) ?? InvokeApi.UnhandledFunctionError, RequestId = requestId, Report = report,
            };
        }

        return new InvokeResult(RequestOutcome.Ok)
        {
            StatusCode = status, RequestId = requestId, Report = report, Answer = FunctionAnswer.Parse(body),
        };
    }

    private static TailLog? TryTail(string base64)
    {
        try
        {
            return TailLog.FromHeader(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>The service exception name; AWS may append <c>:{documentation URL}</c>, which is dropped.</summary>
    private static string? ServiceErrorType(HttpResponseMessage response) =>
        Header(response, InvokeApi.Headers.ErrorType)?.Split(':')[0];

    private static string? FunctionErrorType(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(ErrorDocument.TypeProperty, out var type) && type.ValueKind == JsonValueKind.String
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
