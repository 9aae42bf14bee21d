using System.Globalization;
using LlamaAspire.LoadGen.Aws;
using LlamaAspire.LoadGen.Control;
using LlamaAspire.LoadGen.Targets;
using LlamaAspire.LoadGen.Telemetry;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>
/// The one place that chooses how LoadGen reaches a function: the emulator (unsigned, at <c>--endpoint</c>) or AWS
/// (SigV4-signed with the standard chain's credentials, the regional Lambda endpoint or <c>--endpoint-url</c>, and the
/// Invoke API or <c>--url</c>'s function URL). One HTTP client serves the invoke target and the control plane.
/// </summary>
public sealed class Connection : IDisposable
{
    private readonly HttpClient _client;
    private readonly IRequestSigner _signer;
    private readonly TargetSettings _settings;
    private Uri? _url;

    private Connection(TargetSettings settings, Uri endpoint, IRequestSigner signer, string description)
    {
        _settings = settings;
        _signer = signer;
        _client = LambdaHttpTarget.CreateClient(endpoint, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        _url = settings.Url is { } url ? new Uri(url) : null;
        Description = description + (settings.Stream ? " (streaming)" : "");
    }

    /// <summary>Where requests go, for the results' <c>target</c>.</summary>
    public string Description { get; private set; }

    /// <summary>The client, for emulator-only calls.</summary>
    public HttpClient Client => _client;

    /// <summary>Invoke <c>--function</c>.</summary>
    public IInvokeTarget Target => _target ??= TargetFor(Function);

    /// <summary>Get/UpdateFunctionConfiguration of <c>--function</c>.</summary>
    public IFunctionControl Control => _control ??= ControlFor(Function);

    private string Function => _settings.Function ?? throw new InvalidOperationException("No --function given.");

    private IInvokeTarget? _target;
    private IFunctionControl? _control;

    /// <summary>The invoke target of one function.</summary>
    public IInvokeTarget TargetFor(string function)
    {
        var mode = _settings.Stream ? InvokeMode.Streaming : InvokeMode.Buffered;
        return new MeteredTarget(_url is { } url
            ? new FunctionUrlTarget(_client, url, function, _signer, Description, mode)
            : new LambdaHttpTarget(_client, function, _signer, Description, mode));
    }

    /// <summary>The control plane of one function.</summary>
    public IFunctionControl ControlFor(string function) => new LambdaHttpControl(_client, function, _signer);

    /// <summary>
    /// Connects as <paramref name="settings"/> say. On AWS, credentials and region are resolved first and, when a function
    /// is named, GetFunctionConfiguration checks it can be reached — so no credentials, no such function or no permission
    /// fail here, with what to do, before anything is measured.
    /// </summary>
    /// <param name="settings">The command's target options.</param>
    /// <param name="cancellationToken">Cancels the AWS checks.</param>
    /// <param name="emulator">The emulator to use instead of <c>--endpoint</c> (a <c>--preset</c> AppHost's).</param>
    public static async Task<Connection> OpenAsync(TargetSettings settings, CancellationToken cancellationToken, Uri? emulator = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.IsAws)
        {
            var local = emulator ?? settings.EndpointUri;
            return new Connection(settings, local, UnsignedRequests.Instance, $"emulator {local}");
        }

        var account = await AwsAccount.ResolveAsync(settings.Profile, settings.Region ?? RegionOf(settings.Function), cancellationToken).ConfigureAwait(false);
        var endpoint = settings.EndpointUrl is { } overridden
            ? new Uri(overridden)
            : new Uri(string.Create(CultureInfo.InvariantCulture, $"https://lambda.{account.Region}.amazonaws.com/"));
        var via = settings.Url is { } url ? $"function URL {url}" : $"Invoke API {endpoint}";
        var connection = new Connection(settings, endpoint, new SigV4Signer(account.CredentialsAsync, account.Region), $"aws {account.Region} {via}");
        if (settings.Function is { } function)
        {
            try
            {
                _ = await connection.ControlFor(function).GetAsync(cancellationToken).ConfigureAwait(false);
                if (settings.FunctionUrl)
                {
                    connection._url = await FunctionUrlLookup.GetAsync(connection._client, function, connection._signer, cancellationToken).ConfigureAwait(false);
                    connection.Description = $"aws {account.Region} function URL {connection._url}{(settings.Stream ? " (streaming)" : "")}";
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
            {
                connection.Dispose();
                throw ex is FunctionNotFoundException
                    ? new AwsSetupException($"No function '{function}'{(settings.FunctionUrl ? " or no URL for it" : "")} in {account.Region} for these credentials (check the name or ARN, --region and --profile). {ex.Message}", ex)
                    : new AwsSetupException($"Function '{function}' could not be read in {account.Region}: {ex.Message}", ex);
            }
        }

        return connection;
    }

    /// <summary>The region of a function ARN (<c>arn:aws:lambda:REGION:ACCOUNT:function:NAME</c>); null for a plain name.</summary>
    internal static string? RegionOf(string? function) =>
        function is not null && function.StartsWith("arn:", StringComparison.Ordinal) && function.Split(':') is { Length: >= 7 } parts && parts[3].Length > 0
            ? parts[3]
            : null;

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
