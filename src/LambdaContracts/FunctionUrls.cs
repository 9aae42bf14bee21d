namespace LlamaAspire.LambdaContracts;

/// <summary>
/// Where the emulator serves each function's URL. On AWS a function URL is a host of its own
/// (<c>https://{url-id}.lambda-url.{region}.on.aws/</c>); the emulator has one host, so each function's URL is a path prefix on it.
/// </summary>
public static class FunctionUrls
{
    /// <summary>The route of every function URL request: the rest of the path is the event's <c>rawPath</c>.</summary>
    public const string Route = "/{name}/url/{**path}";

    /// <summary>The route of a function URL's root without a trailing slash.</summary>
    public const string RootRoute = "/{name}/url";

    /// <summary>The path prefix of one function's URL (no trailing slash).</summary>
    public static string BasePath(string functionName) => $"/{Uri.EscapeDataString(functionName)}/url";
}
