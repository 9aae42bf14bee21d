using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Logs;
using LlamaAspire.LambdaContracts.Management;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaAspire.Hosting;

/// <summary>What an Invoke returned: status, body, the function error (if any) and the decoded log tail.</summary>
internal sealed record EmulatorInvokeResult(int StatusCode, string Body, string? FunctionError, TailLog? Log)
{
    public bool Succeeded => StatusCode is >= 200 and < 300 && FunctionError is null;
}

/// <summary>
/// The AppHost's one client of a running emulator: the management API (typed by the contracts library's DTOs) for the live-state
/// monitor and the dashboard commands, and the Invoke API for the sample-prompt command.
/// </summary>
internal sealed class LambdaEmulatorClient : IDisposable
{
    private readonly HttpClient _http;

    private LambdaEmulatorClient(HttpClient http) => _http = http;

    /// <summary>A client for <paramref name="emulator"/>'s allocated HTTP endpoint.</summary>
    public static LambdaEmulatorClient Create(IServiceProvider services, LambdaEmulatorResource emulator, TimeSpan timeout)
    {
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(LambdaEmulatorResource));
        http.BaseAddress = new Uri(emulator.HttpEndpoint.Url);
        http.Timeout = timeout;
        return new LambdaEmulatorClient(http);
    }

    /// <summary><c>GET /_emulator/functions</c>; throws <see cref="HttpRequestException"/> naming the status when it fails.</summary>
    public async Task<FunctionsView> GetFunctionsAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(ManagementApi.FunctionsPath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {ManagementApi.FunctionsPath} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync(ManagementJsonContext.Default.FunctionsView, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException($"GET {ManagementApi.FunctionsPath} answered null");
    }

    /// <summary>A management command (<see cref="ManagementApi.RecycleCommand"/>, …) on one function.</summary>
    public async Task<CommandResult> PostCommandAsync(string function, string command, CancellationToken cancellationToken)
    {
        var path = ManagementApi.CommandPath(function, command);
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"POST {path} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync(ManagementJsonContext.Default.CommandResult, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException($"POST {path} answered null");
    }

    /// <summary>A RequestResponse invoke with the log tail.</summary>
    public async Task<EmulatorInvokeResult> InvokeAsync(string function, string payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(InvokeApi.InvokePath(function), UriKind.Relative))
        {
            Content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue(RuntimeApi.JsonContentType)),
        };
        request.Headers.Add(InvokeApi.Headers.InvocationType, InvokeApi.InvocationTypes.RequestResponse);
        request.Headers.Add(InvokeApi.Headers.LogType, InvokeApi.TailLogType);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var functionError = response.Headers.TryGetValues(InvokeApi.Headers.FunctionError, out var errors) ? errors.FirstOrDefault() : null;
        var log = response.Headers.TryGetValues(InvokeApi.Headers.LogResult, out var logs) && logs.FirstOrDefault() is { Length: > 0 } tail
            ? TailLog.FromHeader(tail)
            : null;
        return new EmulatorInvokeResult((int)response.StatusCode, body, functionError, log);
    }

    public void Dispose() => _http.Dispose();
}
