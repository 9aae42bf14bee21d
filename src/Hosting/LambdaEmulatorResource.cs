using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>
/// The local AWS Lambda emulator (the <c>LambdaEmulator</c> project): the Invoke API, function URLs and one
/// Runtime API per execution environment. It runs as a project resource so that DCP allocates its endpoint;
/// the <see cref="LambdaFunctionResource"/> children are configured into it through environment variables
/// (<c>Lambda__Functions__{name}__*</c>).
/// </summary>
/// <param name="name">The resource name.</param>
public class LambdaEmulatorResource(string name) : ProjectResource(name)
{
    /// <summary>The name of the emulator's HTTP endpoint (Invoke API, function URLs, management API).</summary>
    public const string HttpEndpointName = "http";

    private EndpointReference? _httpEndpoint;

    /// <summary>The emulator's HTTP endpoint.</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);

    /// <summary>The functions hosted by this emulator, in the order they were added.</summary>
    public IReadOnlyList<LambdaFunctionResource> Functions => _functions;

    private readonly List<LambdaFunctionResource> _functions = [];

    internal void AddFunction(LambdaFunctionResource function) => _functions.Add(function);
}
