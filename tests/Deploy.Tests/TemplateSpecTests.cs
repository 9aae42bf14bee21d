namespace LlamaAspire.Deploy.Tests;

/// <summary>Every template shape the publish step writes, checked against AWS's CloudFormation specification.</summary>
public sealed class TemplateSpecTests
{
    [CfnSpecFact]
    public void Every_template_shape_has_only_specified_types_and_properties_with_the_required_ones_and_matching_types()
    {
        var spec = CloudFormationSpec.Instance;
        var failures = Deployments.All()
            .SelectMany(d => Templates.Violations(Templates.Json(d.Deployment), spec).Select(v => $"{d.Name}: {v}"))
            .ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [CfnSpecFact]
    public void The_checker_catches_an_unknown_property_a_missing_required_one_a_wrong_type_and_a_dangling_reference()
    {
        // The checker itself, on a template broken four ways: a valid result above means something only if these fail.
        var spec = CloudFormationSpec.Instance;
        var template = System.Text.Json.JsonDocument.Parse("""
            {"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {
              "Code": {"S3Bucket": {"Ref": "Nowhere"}}, "MemorySize": "big", "Memory": 1,
              "Architectures": ["x86_64"], "LoggingConfig": {"LogFormat": "XML"}}},
              "U": {"Type": "AWS::Lambda::Url", "Properties": {"AuthType": "AWS_IAM", "TargetFunctionArn": {"Fn::GetAtt": ["F", "Url"]}}}}}
            """).RootElement;

        var violations = Templates.Violations(template, spec);

        Assert.Contains(violations, v => v.Contains("F.Memory: no such property", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("F.Role: required, missing", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("F.MemorySize: expected an integer", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("'XML' is not one of", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("no resource or parameter Nowhere", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("has no attribute Url", StringComparison.Ordinal));
    }

    [CfnSpecFact]
    public void The_specification_is_recent_enough_to_know_logging_config_and_function_urls()
    {
        var spec = CloudFormationSpec.Instance;
        Assert.True(spec.HasResourceType("AWS::Lambda::Url"));
        Assert.Contains("FunctionUrl", spec.AttributesOf("AWS::Lambda::Url"));
        Assert.Empty(spec.Check("AWS::Lambda::Function",
            System.Text.Json.JsonDocument.Parse("""{"Code": {}, "Role": "r", "LoggingConfig": {"LogFormat": "JSON"}}""").RootElement, "F"));
    }
}
