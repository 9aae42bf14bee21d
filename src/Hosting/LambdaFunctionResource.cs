using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.Hosting;

/// <summary>
/// A Lambda function hosted by a <see cref="LambdaEmulatorResource"/>. It is not a process of its own: the emulator
/// starts one process per execution environment on demand. Its settings (memory, timeout, concurrency, environment)
/// are annotations that the emulator's environment callback turns into <c>Lambda__Functions__{name}__*</c> variables.
/// Its connection string is its OpenAI-compatible endpoint, in the form OpenAI client integrations read
/// (<c>Endpoint={function URL}/v1;Key=…;Model=…</c>), so <c>WithReference(function)</c> gives a project what an <c>IChatClient</c> needs.
/// </summary>
public class LambdaFunctionResource : Resource, IResourceWithParent<LambdaEmulatorResource>, IResourceWithEnvironment, IResourceWithWaitSupport, IResourceWithConnectionString
{
    /// <summary>
    /// The key in the connection string. The emulator's function URLs take no authentication (AWS's <c>NONE</c> auth type);
    /// OpenAI clients insist on a key, so they get one that nothing checks.
    /// </summary>
    public const string LocalApiKey = "local-function-url";

    /// <summary>The path of the OpenAI-compatible API under the function URL.</summary>
    public const string OpenAiPath = "/v1";

    /// <summary>Creates a function resource.</summary>
    /// <param name="name">The resource name, which is also the Lambda function name.</param>
    /// <param name="emulator">The emulator that hosts the function.</param>
    /// <param name="projectPath">The path of the function's project file.</param>
    public LambdaFunctionResource(string name, LambdaEmulatorResource emulator, string projectPath) : base(name)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentException.ThrowIfNullOrEmpty(projectPath);
        Parent = emulator;
        ProjectPath = projectPath;
    }

    /// <summary>The emulator that hosts this function.</summary>
    public LambdaEmulatorResource Parent { get; }

    /// <summary>The function's project file.</summary>
    public string ProjectPath { get; }

    /// <summary>The Lambda function name (the resource name).</summary>
    public string FunctionName => Name;

    /// <summary>
    /// The model's name as the function reports it (<c>GET /v1/models</c>): the preset of the model set by
    /// <see cref="LambdaFunctionBuilderExtensions.WithModel"/>, else the function's name.
    /// </summary>
    public string ModelId => this.TryGetLastAnnotation<LambdaModelAnnotation>(out var model) ? model.Model.Preset : Name;

    /// <summary>The function URL's base on the emulator (<c>http://host:port/{name}/url</c>).</summary>
    public ReferenceExpression FunctionUrl => ReferenceExpression.Create($"{Parent.HttpEndpoint}{FunctionUrls.BasePath(Name)}");

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={FunctionUrl}{OpenAiPath};Key={LocalApiKey};Model={ModelId}");
}
