using System.IO.Compression;
using System.Text.Json;

namespace LlamaAspire.Deploy.Tests;

/// <summary>
/// AWS's CloudFormation resource specification as the CDK team publishes it (npm <c>@aws-cdk/aws-service-spec</c>'s
/// <c>db.json.gz</c>, the successor of <c>@aws-cdk/cfnspec</c>): resource types, their properties (type, required,
/// allowed values), property types and attributes. <c>npm ci</c> in <c>tests/Deploy.Tests/cfnspec</c> installs it.
/// </summary>
public sealed class CloudFormationSpec
{
    public static string PackageDirectory { get; } = Path.Combine(TestPaths.Root, "tests", "Deploy.Tests", "cfnspec");

    public static string DatabasePath { get; } = Path.Combine(PackageDirectory, "node_modules", "@aws-cdk", "aws-service-spec", "db.json.gz");

    private static readonly Lazy<CloudFormationSpec> s_instance = new(() => new CloudFormationSpec(DatabasePath));

    /// <summary>The specification, read once.</summary>
    public static CloudFormationSpec Instance => s_instance.Value;

    private readonly Dictionary<string, JsonElement> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _types = new(StringComparer.Ordinal);
    private readonly JsonDocument _document;

    private CloudFormationSpec(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        _document = JsonDocument.Parse(gzip);
        var schema = _document.RootElement.GetProperty("schema");
        foreach (var resource in schema.GetProperty("resource").GetProperty("entities").EnumerateArray())
        {
            _resources[resource.GetProperty("cloudFormationType").GetString()!] = resource;
        }

        foreach (var type in schema.GetProperty("typeDefinition").GetProperty("entities").EnumerateArray())
        {
            _types[type.GetProperty("$id").GetString()!] = type;
        }
    }

    /// <summary>Whether the specification has the resource type.</summary>
    public bool HasResourceType(string type) => _resources.ContainsKey(type);

    /// <summary>The resource type's attributes (what <c>Fn::GetAtt</c> may ask for).</summary>
    public IReadOnlyCollection<string> AttributesOf(string type) =>
        _resources[type].TryGetProperty("attributes", out var attributes) ? attributes.EnumerateObject().Select(a => a.Name).ToList() : [];

    /// <summary>Every way <paramref name="properties"/> departs from <paramref name="type"/>'s specification.</summary>
    public List<string> Check(string type, JsonElement properties, string path)
    {
        var errors = new List<string>();
        if (!_resources.TryGetValue(type, out var resource))
        {
            errors.Add($"{path}: resource type {type} is not in the specification");
            return errors;
        }

        CheckObject(resource.GetProperty("properties"), properties, path, errors);
        return errors;
    }

    private void CheckObject(JsonElement specProperties, JsonElement value, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object, got {value.ValueKind}");
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (!specProperties.TryGetProperty(property.Name, out var spec))
            {
                errors.Add($"{path}.{property.Name}: no such property");
                continue;
            }

            CheckValue(spec.GetProperty("type"), property.Value, $"{path}.{property.Name}", errors);
        }

        foreach (var spec in specProperties.EnumerateObject())
        {
            if (spec.Value.TryGetProperty("required", out var required) && required.GetBoolean() && !value.TryGetProperty(spec.Name, out _))
            {
                errors.Add($"{path}.{spec.Name}: required, missing");
            }
        }
    }

    private void CheckValue(JsonElement type, JsonElement value, string path, List<string> errors)
    {
        if (IsIntrinsic(value))
        {
            return; // Resolved by CloudFormation; TemplateReferences checks that it resolves.
        }

        var kind = type.GetProperty("type").GetString();
        switch (kind)
        {
            case "string":
                Expect(value.ValueKind == JsonValueKind.String, "a string");
                if (value.ValueKind == JsonValueKind.String && type.TryGetProperty("allowedValues", out var allowed)
                    && !allowed.EnumerateArray().Any(a => a.GetString() == value.GetString()))
                {
                    errors.Add($"{path}: '{value.GetString()}' is not one of {string.Join(", ", allowed.EnumerateArray().Select(a => a.GetString()))}");
                }

                break;
            case "integer":
                Expect(value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _), "an integer");
                break;
            case "number":
                Expect(value.ValueKind == JsonValueKind.Number, "a number");
                break;
            case "boolean":
                Expect(value.ValueKind is JsonValueKind.True or JsonValueKind.False, "a boolean");
                break;
            case "json":
                Expect(value.ValueKind is JsonValueKind.Object or JsonValueKind.String, "a JSON object");
                break;
            case "array":
                if (Expect(value.ValueKind == JsonValueKind.Array, "a list"))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        CheckValue(type.GetProperty("element"), item, $"{path}[{i++}]", errors);
                    }
                }

                break;
            case "map":
                if (Expect(value.ValueKind == JsonValueKind.Object, "a map"))
                {
                    foreach (var entry in value.EnumerateObject())
                    {
                        CheckValue(type.GetProperty("element"), entry.Value, $"{path}.{entry.Name}", errors);
                    }
                }

                break;
            case "ref":
                var definition = _types[type.GetProperty("reference").GetProperty("$ref").GetString()!];
                CheckObject(definition.GetProperty("properties"), value, path, errors);
                break;
            case "union":
                var anyMatch = type.GetProperty("types").EnumerateArray().Any(t =>
                {
                    var attempt = new List<string>();
                    CheckValue(t, value, path, attempt);
                    return attempt.Count == 0;
                });
                Expect(anyMatch, "one of the union's types");
                break;
            default:
                errors.Add($"{path}: the specification's type '{kind}' is not one these tests know");
                break;
        }

        bool Expect(bool condition, string what)
        {
            if (!condition)
            {
                errors.Add($"{path}: expected {what}, got {value.ValueKind} {value.GetRawText()}");
            }

            return condition;
        }
    }

    /// <summary>A <c>{"Ref": …}</c> or <c>{"Fn::…": …}</c> object.</summary>
    public static bool IsIntrinsic(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Count() == 1
        && value.EnumerateObject().First().Name is var name && (name == "Ref" || name.StartsWith("Fn::", StringComparison.Ordinal));
}
