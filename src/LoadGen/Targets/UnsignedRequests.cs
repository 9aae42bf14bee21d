namespace LlamaAspire.LoadGen.Targets;

/// <summary>The emulator's signer: it accepts requests as they are.</summary>
public sealed class UnsignedRequests : IRequestSigner
{
    /// <summary>The one instance.</summary>
    public static UnsignedRequests Instance { get; } = new();

    private UnsignedRequests()
    {
    }

    /// <inheritdoc />
    public ValueTask SignAsync(HttpRequestMessage request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
