using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime;

/// <summary>Everything <see cref="LambdaBootstrap"/> and <see cref="RuntimeApiClient"/> can be configured with. All optional.</summary>
public sealed class LambdaBootstrapOptions
{
    /// <summary>
    /// The Runtime API endpoint, <c>host:port</c> optionally followed by a path (<c>127.0.0.1:9001/fn</c>); an <c>http://</c> prefix is tolerated.
    /// Default: <see cref="LambdaEnvironmentVariables.RuntimeApi"/> read from <see cref="Environment"/>.
    /// </summary>
    public string? RuntimeApi { get; set; }

    /// <summary>Environment variables: read for defaults, written per invoke (<c>_X_AMZN_TRACE_ID</c>). Default: the process.</summary>
    public ILambdaEnvironment Environment { get; set; } = ProcessEnvironment.Instance;

    /// <summary>The clock for deadlines and <see cref="LambdaInvocation.RemainingTime"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Optional handler for the buffered calls (next, response, error, init/error). Streaming responses always use the library's own
    /// HTTP/1.1 connection (HttpClient cannot send request trailers), so they need a real TCP endpoint.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>SnapStart's before-snapshot and after-restore hooks; run only under <c>AWS_LAMBDA_INITIALIZATION_TYPE=snap-start</c>.</summary>
    public SnapshotHooks SnapshotHooks { get; } = new();

    /// <summary>Where the runtime writes its own diagnostics (one line each). Default: standard error.</summary>
    public Action<string>? Log { get; set; }

    internal Action<string> LogOrDefault => Log ?? DefaultLog;

    private static void DefaultLog(string line) => Console.Error.WriteLine(line);

    /// <summary>Resolves <see cref="RuntimeApi"/> (or the environment variable) to the API's base URI, e.g. <c>http://127.0.0.1:9001/fn/2018-06-01/</c>.</summary>
    public Uri ResolveBaseUri()
    {
        var value = RuntimeApi ?? Environment.GetVariable(LambdaEnvironmentVariables.RuntimeApi);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"The Lambda Runtime API endpoint is not configured: set {LambdaEnvironmentVariables.RuntimeApi} (host:port[/path]).");
        }

        value = value.Trim();
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "http://" + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"{LambdaEnvironmentVariables.RuntimeApi} '{value}' is not host:port[/path].");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        return new Uri($"http://{uri.Authority}{path}/{LambdaContracts.RuntimeApi.Version}/");
    }
}
