using System.Text.Json;

namespace LlamaAspire.TestFunction;

/// <summary>The per-invoke command, read from the payload's top-level properties with a <see cref="Utf8JsonReader"/> (AOT-safe, no DOM).</summary>
internal sealed class TestCommand
{
    public string Action { get; private set; } = "echo";

    public int Ms { get; private set; }

    public int Mb { get; private set; }

    public int Chunks { get; private set; } = 3;

    public int DelayMs { get; private set; }

    public bool Keep { get; private set; }

    public string? ErrorType { get; private set; }

    public string? Message { get; private set; }

    public string? Text { get; private set; }

    /// <summary>Anything that is not a JSON object (or is malformed) is an echo.</summary>
    public static TestCommand Parse(ReadOnlySpan<byte> payload)
    {
        var command = new TestCommand();
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return command;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "action" when reader.TokenType == JsonTokenType.String:
                        command.Action = reader.GetString() ?? "echo";
                        break;
                    case "ms" when reader.TokenType == JsonTokenType.Number:
                        command.Ms = reader.GetInt32();
                        break;
                    case "mb" when reader.TokenType == JsonTokenType.Number:
                        command.Mb = reader.GetInt32();
                        break;
                    case "chunks" when reader.TokenType == JsonTokenType.Number:
                        command.Chunks = reader.GetInt32();
                        break;
                    case "delayMs" when reader.TokenType == JsonTokenType.Number:
                        command.DelayMs = reader.GetInt32();
                        break;
                    case "keep" when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                        command.Keep = reader.GetBoolean();
                        break;
                    case "errorType" when reader.TokenType == JsonTokenType.String:
                        command.ErrorType = reader.GetString();
                        break;
                    case "message" when reader.TokenType == JsonTokenType.String:
                        command.Message = reader.GetString();
                        break;
                    case "text" when reader.TokenType == JsonTokenType.String:
                        command.Text = reader.GetString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return new TestCommand();
        }

        return command;
    }
}
