using System.Text.Json;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaEmulator.InvokeApi;

using InvokeApi = LlamaAspire.LambdaContracts.InvokeApi;
using RuntimeApi = LlamaAspire.LambdaContracts.RuntimeApi;

/// <summary>
/// Lambda service errors as the REST-JSON protocol carries them: the status code, the exception name in
/// <c>x-amzn-ErrorType</c>, and a body <c>{"Type":"User","message":...}</c> (+ <c>Reason</c> for throttles).
/// </summary>
public static class AwsErrors
{
    public static Task WriteAsync(HttpContext ctx, int status, string exception, string message, string? reason = null, string type = "User")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Headers[InvokeApi.Headers.ErrorType] = exception;
        ctx.Response.ContentType = RuntimeApi.JsonContentType;
        var body = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reason is not null)
        {
            body["Reason"] = reason;
        }

        body["Type"] = type;
        body["message"] = message;
        return ctx.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body)).AsTask();
    }

    public static Task NotFoundAsync(HttpContext ctx, string arn) =>
        WriteAsync(ctx, 404, InvokeApi.Exceptions.ResourceNotFound, $"Function not found: {arn}");

    public static Task TooLargeAsync(HttpContext ctx, long limit) =>
        WriteAsync(ctx, 413, InvokeApi.Exceptions.RequestEntityTooLarge, $"Request must be smaller than {limit} bytes for the InvokeFunction operation");

    public static Task ThrottledAsync(HttpContext ctx, string reason) =>
        WriteAsync(ctx, 429, InvokeApi.Exceptions.TooManyRequests, "Rate Exceeded.", reason);

    public static Task InvalidContentAsync(HttpContext ctx, string message) =>
        WriteAsync(ctx, 400, InvokeApi.Exceptions.InvalidRequestContent, message);

    public static Task InvalidParameterAsync(HttpContext ctx, string message) =>
        WriteAsync(ctx, 400, InvokeApi.Exceptions.InvalidParameterValue, message);
}
