using System.Text.Json;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Every <c>Ref</c>, <c>Fn::GetAtt</c> and <c>DependsOn</c> in a template, and whether each resolves.</summary>
internal static class TemplateReferences
{
    private static readonly string[] s_pseudoParameters = ["AWS::AccountId", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"];

    /// <summary>The references that do not resolve, each with where it is.</summary>
    public static List<string> Unresolved(JsonElement template, CloudFormationSpec spec)
    {
        var resources = template.GetProperty("Resources").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetProperty("Type").GetString()!);
        var parameters = template.TryGetProperty("Parameters", out var p) ? p.EnumerateObject().Select(x => x.Name).ToHashSet() : [];
        var errors = new List<string>();

        foreach (var resource in template.GetProperty("Resources").EnumerateObject())
        {
            if (resource.Value.TryGetProperty("DependsOn", out var dependsOn))
            {
                var targets = dependsOn.ValueKind == JsonValueKind.Array ? dependsOn.EnumerateArray().Select(d => d.GetString()!) : [dependsOn.GetString()!];
                errors.AddRange(targets.Where(t => !resources.ContainsKey(t)).Select(t => $"{resource.Name}.DependsOn: no resource {t}"));
            }
        }

        Walk(template, "$");
        return errors;

        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in node.EnumerateArray())
                {
                    Walk(item, $"{path}[{i++}]");
                }

                return;
            }

            if (node.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var property in node.EnumerateObject())
            {
                var at = $"{path}.{property.Name}";
                if (property.Name == "Ref")
                {
                    var target = property.Value.GetString()!;
                    if (!resources.ContainsKey(target) && !parameters.Contains(target) && !s_pseudoParameters.Contains(target))
                    {
                        errors.Add($"{at}: no resource or parameter {target}");
                    }
                }
                else if (property.Name == "Fn::GetAtt")
                {
                    var parts = property.Value.EnumerateArray().Select(x => x.GetString()!).ToArray();
                    if (parts.Length != 2 || !resources.TryGetValue(parts[0], out var type))
                    {
                        errors.Add($"{at}: no resource {string.Join('.', parts)}");
                    }
                    else if (!spec.AttributesOf(type).Contains(parts[1]))
                    {
                        errors.Add($"{at}: {type} has no attribute {parts[1]} (it has {string.Join(", ", spec.AttributesOf(type))})");
                    }
                }
                else if (property.Name.StartsWith("Fn::", StringComparison.Ordinal))
                {
                    errors.Add($"{at}: {property.Name} is not checked by these tests; add it here before using it");
                }
                else
                {
                    Walk(property.Value, at);
                }
            }
        }
    }
}
