using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using LlamaAspire.Hosting.Deploy.CloudFormation;

namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>
/// The ECR calls an image deploy needs, on ECR's JSON 1.1 protocol signed with Signature Version 4 (AWSSDK.ECR is not
/// available here, AWSSDK.Core's signer is): the registry's token and address, the repository, and deleting a tag.
/// </summary>
internal sealed class EcrClient(HttpClient http, Uri endpoint, string region, Func<ImmutableCredentials> credentials, TimeProvider? time = null)
{
    public const string Service = "ecr";
    private const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";

    /// <summary>The regional endpoint, <c>https://api.ecr.{region}.amazonaws.com/</c>.</summary>
    public static Uri RegionalEndpoint(string region) => new($"https://api.ecr.{region}.amazonaws.com/");

    /// <summary>The registry's address (<c>https://{account}.dkr.ecr.{region}.amazonaws.com</c>) and the <c>Basic</c>
    /// credentials its registry API takes, valid for 12 hours.</summary>
    public async Task<(Uri Registry, AuthenticationHeaderValue Authorization)> GetAuthorizationAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("GetAuthorizationToken", new JsonObject(), cancellationToken).ConfigureAwait(false);
        var data = answer["authorizationData"]?.AsArray().FirstOrDefault()
            ?? throw new InvalidOperationException("ECR's GetAuthorizationToken answered without authorizationData.");
        var token = (string?)data["authorizationToken"] ?? throw new InvalidOperationException("ECR's authorizationData has no authorizationToken.");
        var registry = (string?)data["proxyEndpoint"] ?? throw new InvalidOperationException("ECR's authorizationData has no proxyEndpoint.");
        return (new Uri(registry), new AuthenticationHeaderValue("Basic", token));
    }

    /// <summary>Creates the repository unless it exists; returns whether it was created.</summary>
    public async Task<bool> EnsureRepositoryAsync(string repository, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("CreateRepository", new JsonObject { ["repositoryName"] = repository }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (EcrException ex) when (ex.Code == "RepositoryAlreadyExistsException")
        {
            return false;
        }
    }

    /// <summary>Deletes the image a tag names (ECR has no manifest <c>DELETE</c> in its registry API).</summary>
    public Task DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken) =>
        CallAsync("BatchDeleteImage", new JsonObject
        {
            ["repositoryName"] = repository,
            ["imageIds"] = new JsonArray(new JsonObject { ["imageTag"] = tag }),
        }, cancellationToken);

    private async Task<JsonNode> CallAsync(string action, JsonObject input, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(input.ToJsonString());
        var target = TargetPrefix + action;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", AwsQuerySigner.Json11ContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        AwsQuerySigner.Sign(request, body, AwsQuerySigner.Json11ContentType, target, credentials(), region, Service, (time ?? TimeProvider.System).GetUtcNow().UtcDateTime);

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? answer;
        try
        {
            answer = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new EcrException($"Http{(int)response.StatusCode}", $"ECR {action} answered {(int)response.StatusCode} with a body that is not JSON: {text}", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            // JSON 1.1 errors: {"__type": "…#Code" or "Code", "message": "…"}.
            var type = (string?)answer?["__type"] ?? $"Http{(int)response.StatusCode}";
            throw new EcrException(type[(type.IndexOf('#', StringComparison.Ordinal) + 1)..],
                $"ECR {action}: {(string?)answer?["message"] ?? (string?)answer?["Message"] ?? text}");
        }

        return answer ?? new JsonObject();
    }
}
