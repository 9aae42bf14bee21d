using System.Buffers;
using System.Text.Json;

namespace LlamaAspire.LambdaContracts;

/// <summary>
/// The error document of the Runtime and Invoke APIs: <c>{"errorMessage","errorType","stackTrace":[...]}</c>, written without
/// reflection so the AOT runtime and the emulator share it.
/// </summary>
public static class ErrorDocument
{
    /// <summary>Property name of the message.</summary>
    public const string MessageProperty = "errorMessage";

    /// <summary>Property name of the type.</summary>
    public const string TypeProperty = "errorType";

    /// <summary>Property name of the stack trace (an array of strings).</summary>
    public const string StackTraceProperty = "stackTrace";

    /// <summary>Property name of the inner error (an error document).</summary>
    public const string CauseProperty = "cause";

    /// <summary>A document with no stack trace.</summary>
    public static byte[] Write(string errorType, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(MessageProperty, message);
            writer.WriteString(TypeProperty, errorType);
            writer.WriteStartArray(StackTraceProperty);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>errorType</c> of a document, or null when the body is not a JSON object with one.</summary>
    public static string? TryReadErrorType(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals(TypeProperty);
                reader.Read();
                if (isType)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            // Not JSON: the caller decides what a non-document error body means.
            return null;
        }
    }

    /// <summary>True when <paramref name="body"/> is one JSON value (an error body may be any JSON, or text).</summary>
    public static bool IsJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
