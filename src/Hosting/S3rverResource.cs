using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>
/// s3rver, an S3-compatible server from npm, standing in locally for Amazon S3 (the real S3 protocol, on loopback): where the
/// vanilla function variant downloads its model from at init. It accepts any signature made with <see cref="AccessKey"/>.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The executable (<c>node</c>).</param>
/// <param name="workingDirectory">s3rver's package directory.</param>
/// <param name="dataDirectory">Where it keeps buckets and objects.</param>
public class S3rverResource(string name, string command, string workingDirectory, string dataDirectory) : ExecutableResource(name, command, workingDirectory)
{
    /// <summary>The name of its HTTP endpoint.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The credentials s3rver checks signatures against.</summary>
    public const string AccessKey = "S3RVER", SecretKey = "S3RVER";

    private EndpointReference? _httpEndpoint;

    /// <summary>Where it keeps buckets and objects.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>Its S3 endpoint (for <c>AWS_ENDPOINT_URL_S3</c>).</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);
}
