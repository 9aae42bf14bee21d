using System.Text.Json;
using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Templates as the tests read them.</summary>
internal static class Templates
{
    public static JsonElement Json(FunctionDeployment deployment) =>
        JsonDocument.Parse(TemplateWriter.ToJson(CloudFormationTemplate.Build(deployment))).RootElement;

    public static JsonElement Resource(JsonElement template, string logicalId) => template.GetProperty("Resources").GetProperty(logicalId);

    public static JsonElement Properties(JsonElement template, string logicalId) => Resource(template, logicalId).GetProperty("Properties");

    /// <summary>Each resource's spec violations and the unresolved references: empty when the template is valid.</summary>
    public static List<string> Violations(JsonElement template, CloudFormationSpec spec)
    {
        var errors = new List<string>();
        foreach (var resource in template.GetProperty("Resources").EnumerateObject())
        {
            var unknown = resource.Value.EnumerateObject().Select(p => p.Name).Except(["Type", "Properties", "DependsOn"]).ToList();
            errors.AddRange(unknown.Select(u => $"{resource.Name}: unexpected resource attribute {u}"));
            errors.AddRange(spec.Check(resource.Value.GetProperty("Type").GetString()!, resource.Value.GetProperty("Properties"), resource.Name));
        }

        errors.AddRange(TemplateReferences.Unresolved(template, spec));
        return errors;
    }

    /// <summary>Every IAM action in the template's policy documents (role trust, inline policies).</summary>
    public static List<string> IamActions(JsonElement template)
    {
        var actions = new List<string>();
        Walk(template);
        return actions;

        void Walk(JsonElement node)
        {
            switch (node.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in node.EnumerateObject())
                    {
                        if (property.Name is "Statement")
                        {
                            foreach (var statement in property.Value.EnumerateArray())
                            {
                                var action = statement.GetProperty("Action");
                                actions.AddRange(action.ValueKind == JsonValueKind.Array ? action.EnumerateArray().Select(a => a.GetString()!) : [action.GetString()!]);
                            }
                        }
                        else
                        {
                            Walk(property.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in node.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }
    }
}
