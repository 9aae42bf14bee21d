using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LlamaAspire.Deploy.Tests;

/// <summary>
/// A stand-in for ECR's API on loopback (AWS cannot be reached here): JSON 1.1 calls named by <c>X-Amz-Target</c>, signature
/// checked by <see cref="SigV4Verifier"/> (the target header must be signed). Its <c>GetAuthorizationToken</c> names a real
/// registry (Debian's docker-registry) as the proxy endpoint; repositories are remembered, deletions recorded.
/// </summary>
public sealed class EcrStandIn : IDisposable
{
    private readonly StandInListener _listener;
    private readonly Uri _registry;
    private readonly HashSet<string> _repositories = [];

    public EcrStandIn(Uri registry)
    {
        _registry = registry;
        _listener = new StandInListener(Handle);
    }

    public Uri Endpoint => _listener.Endpoint;

    /// <summary>Every call's operation and input, in order.</summary>
    public List<(string Operation, JsonObject Input)> Calls { get; } = [];

    /// <summary>Requests whose signature or protocol did not verify.</summary>
    public List<string> Failures { get; } = [];

    public void Dispose() => _listener.Dispose();

    private StandInAnswer Handle(HttpListenerRequest request, byte[] body)
    {
        var target = request.Headers["X-Amz-Target"] ?? "";
        var operation = target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var input = JsonNode.Parse(body)!.AsObject();
        lock (Calls)
        {
            Calls.Add((operation, input));
        }

        var failure = SigV4Verifier.Verify(request, body, CloudFormationStandIn.AccessKey, CloudFormationStandIn.SecretKey, CloudFormationStandIn.Region, "ecr")
            ?? (!target.StartsWith("AmazonEC2ContainerRegistry_V20150921.", StringComparison.Ordinal) ? $"X-Amz-Target '{target}'" : null)
            ?? (!request.Headers["Authorization"]!.Contains("x-amz-target", StringComparison.Ordinal) ? "X-Amz-Target is not signed" : null)
            ?? (request.ContentType != "application/x-amz-json-1.1" ? $"Content-Type '{request.ContentType}'" : null);
        if (failure is not null)
        {
            lock (Failures)
            {
                Failures.Add(failure);
            }
        }

        var (status, answer) = failure is not null ? (403, Error("InvalidSignatureException", failure)) : Answer(operation, input);
        return new StandInAnswer(status, "application/x-amz-json-1.1", Encoding.UTF8.GetBytes(answer.ToJsonString()));
    }

    private (int Status, JsonObject Answer) Answer(string operation, JsonObject input)
    {
        switch (operation)
        {
            case "GetAuthorizationToken":
                return (200, new JsonObject
                {
                    ["authorizationData"] = new JsonArray(new JsonObject
                    {
                        ["authorizationToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:stand-in-password")),
                        ["expiresAt"] = 1.8e9,
                        ["proxyEndpoint"] = _registry.ToString().TrimEnd('/'),
                    }),
                });
            case "CreateRepository":
                var name = (string)input["repositoryName"]!;
                return _repositories.Add(name)
                    ? (200, new JsonObject { ["repository"] = new JsonObject { ["repositoryName"] = name } })
                    : (400, Error("RepositoryAlreadyExistsException", $"The repository with name '{name}' already exists in the registry with id '123456789012'"));
            case "BatchDeleteImage":
                return (200, new JsonObject { ["imageIds"] = input["imageIds"]!.DeepClone(), ["failures"] = new JsonArray() });
            default:
                return (400, Error("UnknownOperationException", $"The stand-in does not know {operation}"));
        }
    }

    private static JsonObject Error(string type, string message) =>
        new() { ["__type"] = $"com.amazonaws.ecr#{type}", ["message"] = message };
}
