using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaAspire.LoadGen.Output;

/// <summary>Reads and writes results.json: camelCase members, enums in snake_case, nulls left out.</summary>
public static class ResultsJson
{
    /// <summary>The file name under <c>--out</c>.</summary>
    public const string FileName = "results.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes the document.</summary>
    public static async Task WriteAsync(ResultsDocument document, string path, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, document, Options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a document; a newer schema than this build knows is refused by name.</summary>
    public static async Task<ResultsDocument> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var document = await JsonSerializer.DeserializeAsync<ResultsDocument>(stream, Options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} is empty.");
        if (document.Schema > ResultsDocument.CurrentSchema)
        {
            throw new InvalidDataException($"{path} has schema {document.Schema}; this LoadGen reads up to {ResultsDocument.CurrentSchema}.");
        }

        return document;
    }
}
