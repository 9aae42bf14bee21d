using LlamaAspire.LoadGen.Control;
using LlamaAspire.LoadGen.Targets;

namespace LlamaAspire.LoadGen.Commands;

/// <summary>One HTTP client to the endpoint and what speaks through it: the invoke target and the control plane.</summary>
public sealed class Connection : IDisposable
{
    private readonly HttpClient _client;

    /// <summary>Connects to <see cref="TargetSettings.EndpointUri"/> (the emulator: requests unsigned).</summary>
    public Connection(TargetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _client = LambdaHttpTarget.CreateClient(settings.EndpointUri, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        Target = new LambdaHttpTarget(_client, settings.Function!, UnsignedRequests.Instance,
            $"emulator {settings.EndpointUri}{(settings.Stream ? " (streaming)" : "")}", settings.Stream ? InvokeMode.Streaming : InvokeMode.Buffered);
        Control = new LambdaHttpControl(_client, settings.Function!, UnsignedRequests.Instance);
    }

    /// <summary>The client, for emulator-only calls.</summary>
    public HttpClient Client => _client;

    /// <summary>Invoke.</summary>
    public LambdaHttpTarget Target { get; }

    /// <summary>Get/UpdateFunctionConfiguration.</summary>
    public IFunctionControl Control { get; }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
