using System.Text.Json;

namespace LlamaAspire.LambdaEmulator.InvokeApi;

/// <summary>
/// Lambda service errors as the REST-JSON protocol carries them: the status code, the exception name in
/// <c>x-amzn-ErrorType</c>, and a body <c>{"Type":"User","message":...}</c> (+ <c>Reason</c> for throttles).
/// </summary>
public static class AwsErrors
{
    public static Task WriteAsync(HttpContext ctx, int status, string exception, string message, string? reason = null, string type = "User")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Headers["x-amzn-ErrorType"] = exception;
        ctx.Response.ContentType = "application/json";
        var body = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reason is not null)
            body["Reason"] = reason;
        body["Type"] = type;
        body["message"] = message;
        return ctx.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body)).AsTask();
    }

    public static Task NotFoundAsync(HttpContext ctx, string arn) =>
        WriteAsync(ctx, 404, "ResourceNotFoundException", $"Function not found: {arn}");

    public static Task TooLargeAsync(HttpContext ctx, long limit) =>
        WriteAsync(ctx, 413, "RequestEntityTooLargeException", $"Request must be smaller than {limit} bytes for the InvokeFunction operation");

    public static Task ThrottledAsync(HttpContext ctx, string reason) =>
        WriteAsync(ctx, 429, "TooManyRequestsException", "Rate Exceeded.", reason);

    public static Task InvalidContentAsync(HttpContext ctx, string message) =>
        WriteAsync(ctx, 400, "InvalidRequestContentException", message);

    public static Task InvalidParameterAsync(HttpContext ctx, string message) =>
        WriteAsync(ctx, 400, "InvalidParameterValueException", message);
}
