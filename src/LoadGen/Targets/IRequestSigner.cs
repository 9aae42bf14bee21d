namespace LlamaAspire.LoadGen.Targets;

/// <summary>
/// Prepares a Lambda API request for its endpoint: nothing for the emulator; for AWS, SigV4 (AWSSDK.Core's signer, with the
/// region and credentials of the deployed target) — the only thing that differs between the two Invoke APIs.
/// </summary>
public interface IRequestSigner
{
    /// <summary>Adds whatever the endpoint needs (headers) to a request whose content is set.</summary>
    ValueTask SignAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}
