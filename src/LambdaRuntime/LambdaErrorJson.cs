using System.Buffers;
using System.Text;
using System.Text.Json;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime;

/// <summary>Writes the Runtime API error document <c>{"errorMessage","errorType","stackTrace":[...],"cause":{...}}</c> without reflection.</summary>
internal static class LambdaErrorJson
{
    private const int MaxCauseDepth = 8;

    public static string ErrorTypeOf(Exception exception) => exception switch
    {
        LambdaFunctionException functionException => functionException.ErrorType,
        _ => exception.GetType().Name,
    };

    public static byte[] Write(Exception exception)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, exception, 0);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Write(string errorType, string message) => ErrorDocument.Write(errorType, message);

    private static void WriteObject(Utf8JsonWriter writer, Exception exception, int depth)
    {
        writer.WriteStartObject();
        writer.WriteString(ErrorDocument.MessageProperty, exception.Message);
        writer.WriteString(ErrorDocument.TypeProperty, ErrorTypeOf(exception));
        writer.WriteStartArray(ErrorDocument.StackTraceProperty);
        var stackTrace = exception.StackTrace;
        if (!string.IsNullOrEmpty(stackTrace))
        {
            foreach (var line in stackTrace.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.Length > 0)
                {
                    writer.WriteStringValue(trimmed);
                }
            }
        }

        writer.WriteEndArray();
        if (exception.InnerException is { } inner && depth < MaxCauseDepth)
        {
            writer.WritePropertyName(ErrorDocument.CauseProperty);
            WriteObject(writer, inner, depth + 1);
        }

        writer.WriteEndObject();
    }

    /// <summary>Makes a string safe as an HTTP header value (ASCII, no control characters).</summary>
    public static string HeaderSafe(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return Sanitize(value);
            }
        }

        return value;

        static string Sanitize(string value)
        {
            var builder = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                builder.Append(c is < (char)0x20 or > (char)0x7E ? '_' : c);
            }

            return builder.ToString();
        }
    }
}
