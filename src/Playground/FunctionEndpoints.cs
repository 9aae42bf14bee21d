using System.Data.Common;

namespace LlamaAspire.Playground;

/// <summary>One function the playground can talk to: its OpenAI-compatible endpoint, from the connection string the AppHost gives it.</summary>
/// <param name="Name">The function's name (the connection string's name).</param>
/// <param name="Endpoint">The OpenAI base URL, ending in <c>/v1</c>.</param>
/// <param name="Key">The API key to send.</param>
/// <param name="Model">The model name to ask for.</param>
public sealed record FunctionEndpoint(string Name, Uri Endpoint, string Key, string Model)
{
    /// <summary>
    /// Every connection string of the form <c>Endpoint=…;Key=…;Model=…</c> (what <c>WithReference(function)</c> sets as
    /// <c>ConnectionStrings__{name}</c>), in name order, once each: Aspire also sets the name with '-' spelled '_' for
    /// shells that cannot name such a variable. Other connection strings are not functions and are skipped.
    /// </summary>
    public static IReadOnlyList<FunctionEndpoint> FromConfiguration(IConfiguration configuration)
    {
        var functions = new List<FunctionEndpoint>();
        foreach (var entry in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            if (TryParse(entry.Key, entry.Value, out var function))
            {
                functions.Add(function);
            }
        }

        return [.. functions.OrderBy(f => f.Name, StringComparer.Ordinal).DistinctBy(f => f.Endpoint)];
    }

    public static bool TryParse(string name, string? connectionString, out FunctionEndpoint function)
    {
        function = null!;
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString ?? "" };
        if (!parts.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint as string, UriKind.Absolute, out var uri))
        {
            return false;
        }

        function = new FunctionEndpoint(name, uri, parts.TryGetValue("Key", out var key) ? key as string ?? "" : "",
            parts.TryGetValue("Model", out var model) ? model as string ?? name : name);
        return true;
    }
}
