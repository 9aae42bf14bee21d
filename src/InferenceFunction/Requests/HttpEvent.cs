using System.Text;
using System.Text.Json;

namespace LlamaAspire.InferenceFunction.Requests;

/// <summary>
/// An API Gateway HTTP API (payload 2.0) or function URL event, as far as the function reads it: method, path, body and
/// the caller's W3C <c>traceparent</c>.
/// </summary>
public sealed record HttpEvent(string Method, string Path, byte[] Body, string? TraceParent)
{
    /// <summary>
    /// Payload 2.0 events: <c>version: "2.0"</c>, or a string body beside requestContext/routeKey/rawPath. A request without
    /// a body (a GET) has no <c>body</c> member at all.
    /// </summary>
    public static bool IsHttpEvent(JsonElement root) =>
        (root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "2.0" &&
         (root.TryGetProperty("requestContext", out _) || root.TryGetProperty("rawPath", out _)))
        || (root.TryGetProperty("body", out var body) && body.ValueKind is JsonValueKind.String or JsonValueKind.Null &&
            (root.TryGetProperty("requestContext", out _) || root.TryGetProperty("rawPath", out _) || root.TryGetProperty("routeKey", out _)));

    public static HttpEvent Read(JsonElement root)
    {
        string method = root.TryGetProperty("requestContext", out var rc) && rc.ValueKind == JsonValueKind.Object &&
                        rc.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object &&
                        http.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()!.ToUpperInvariant()
            : "POST";
        string path = root.TryGetProperty("rawPath", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "/";
        return new HttpEvent(method, path, ReadBody(root), Header(root, "traceparent"));
    }

    static byte[] ReadBody(JsonElement root)
    {
        if (!root.TryGetProperty("body", out var element) || element.GetString() is not { Length: > 0 } body)
        {
            return [];
        }

        bool base64 = root.TryGetProperty("isBase64Encoded", out var b) && b.ValueKind == JsonValueKind.True;
        if (!base64)
        {
            return Encoding.UTF8.GetBytes(body);
        }

        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException)
        {
            throw new InvalidRequestException("The HTTP body is marked isBase64Encoded but is not valid base64.");
        }
    }

    static string? Header(JsonElement root, string name)
    {
        if (!root.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var h in headers.EnumerateObject())
        {
            if (h.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && h.Value.ValueKind == JsonValueKind.String)
            {
                return h.Value.GetString();
            }
        }

        return null;
    }
}
