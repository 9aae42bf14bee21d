using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;
using YamlDotNet.RepresentationModel;
using Names = LlamaAspire.Hosting.Deploy.CloudFormationTemplate.Names;

namespace LlamaAspire.Deploy.Tests;

/// <summary>What the template says: the settings, least privilege, the URL's auth, determinism, and YAML = JSON.</summary>
public sealed class TemplateTests
{
    [Fact]
    public void The_function_runs_the_bootstrap_on_provided_al2023_with_the_settings()
    {
        var template = Templates.Json(Deployments.Zip());
        var function = Templates.Properties(template, Names.Function);

        Assert.Equal("provided.al2023", function.GetProperty("Runtime").GetString());
        Assert.Equal("bootstrap", function.GetProperty("Handler").GetString());
        Assert.Equal("Zip", function.GetProperty("PackageType").GetString());
        Assert.Equal(["x86_64"], function.GetProperty("Architectures").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(10240, function.GetProperty("MemorySize").GetInt32());
        Assert.Equal(60, function.GetProperty("Timeout").GetInt32());
        Assert.Equal(512, function.GetProperty("EphemeralStorage").GetProperty("Size").GetInt32());
        Assert.Equal(4, function.GetProperty("ReservedConcurrentExecutions").GetInt32());
        var variables = function.GetProperty("Environment").GetProperty("Variables");
        Assert.Equal("/var/task", variables.GetProperty("MODEL_DIR").GetString());
        Assert.Equal("6", variables.GetProperty("LLAMA_INTRA_OP_THREADS").GetString());
        Assert.Equal("JSON", function.GetProperty("LoggingConfig").GetProperty("LogFormat").GetString());
        Assert.Equal(Names.LogGroup, function.GetProperty("LoggingConfig").GetProperty("LogGroup").GetProperty("Ref").GetString());
        Assert.Equal(Names.ArtifactKey, function.GetProperty("Code").GetProperty("S3Key").GetProperty("Ref").GetString());
        Assert.Equal($"llama/{Deployments.Sha}.zip",
            template.GetProperty("Parameters").GetProperty(Names.ArtifactKey).GetProperty("Default").GetString());
        Assert.Equal(14, Templates.Properties(template, Names.LogGroup).GetProperty("RetentionInDays").GetInt32());
        Assert.Equal("/aws/lambda/llama", Templates.Properties(template, Names.LogGroup).GetProperty("LogGroupName").GetString());
    }

    [Fact]
    public void The_version_carries_the_code_hash_and_the_alias_points_at_it()
    {
        var template = Templates.Json(Deployments.Zip(new LambdaDeployAnnotation { ProvisionedConcurrency = 2 }));
        var version = Templates.Properties(template, Names.Version);
        var alias = Templates.Properties(template, Names.Alias);

        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(Deployments.Sha)), version.GetProperty("CodeSha256").GetString());
        Assert.Contains(Deployments.Sha, version.GetProperty("Description").GetString(), StringComparison.Ordinal);
        Assert.Equal("live", alias.GetProperty("Name").GetString());
        Assert.Equal([Names.Version, "Version"], alias.GetProperty("FunctionVersion").GetProperty("Fn::GetAtt").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(2, alias.GetProperty("ProvisionedConcurrencyConfig").GetProperty("ProvisionedConcurrentExecutions").GetInt32());
    }

    [Fact]
    public void An_image_package_takes_its_uri_as_a_parameter_and_has_no_runtime_or_handler()
    {
        var template = Templates.Json(Deployments.Image());
        var function = Templates.Properties(template, Names.Function);

        Assert.Equal("Image", function.GetProperty("PackageType").GetString());
        Assert.False(function.TryGetProperty("Runtime", out _));
        Assert.False(function.TryGetProperty("Handler", out _));
        Assert.Equal(Names.ImageUri, function.GetProperty("Code").GetProperty("ImageUri").GetProperty("Ref").GetString());
        Assert.True(template.GetProperty("Parameters").TryGetProperty(Names.ImageUri, out _));
        Assert.False(Templates.Properties(template, Names.Version).TryGetProperty("CodeSha256", out _));
    }

    [Fact]
    public void The_function_url_is_IAM_authenticated_and_streams_by_default_with_no_resource_policy()
    {
        var template = Templates.Json(Deployments.Zip());
        var url = Templates.Properties(template, Names.Url);

        Assert.Equal("AWS_IAM", url.GetProperty("AuthType").GetString());
        Assert.Equal("RESPONSE_STREAM", url.GetProperty("InvokeMode").GetString());
        Assert.Equal("live", url.GetProperty("Qualifier").GetString());
        Assert.DoesNotContain(template.GetProperty("Resources").EnumerateObject(), r => r.Value.GetProperty("Type").GetString() == "AWS::Lambda::Permission");
    }

    [Fact]
    public void A_public_url_is_NONE_with_permissions_to_invoke_through_the_url_only()
    {
        var template = Templates.Json(Deployments.Zip(new LambdaDeployAnnotation { FunctionUrlAuth = LambdaFunctionUrlAuth.None }));

        Assert.Equal("NONE", Templates.Properties(template, Names.Url).GetProperty("AuthType").GetString());
        var urlPermission = Templates.Properties(template, Names.PublicUrlPermission);
        Assert.Equal("lambda:InvokeFunctionUrl", urlPermission.GetProperty("Action").GetString());
        Assert.Equal("NONE", urlPermission.GetProperty("FunctionUrlAuthType").GetString());
        var invokePermission = Templates.Properties(template, Names.PublicInvokePermission);
        Assert.Equal("lambda:InvokeFunction", invokePermission.GetProperty("Action").GetString());
        Assert.True(invokePermission.GetProperty("InvokedViaFunctionUrl").GetBoolean());
    }

    [Fact]
    public void The_role_may_only_write_to_its_own_log_group_and_no_action_is_a_wildcard()
    {
        foreach (var (name, deployment) in Deployments.All())
        {
            var template = Templates.Json(deployment);
            var actions = Templates.IamActions(template);
            Assert.True(actions.Count > 0, name);
            Assert.All(actions, a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));

            var policies = Templates.Properties(template, Names.Role).GetProperty("Policies").EnumerateArray().ToList();
            var statement = Assert.Single(Assert.Single(policies).GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray());
            Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal([Names.LogGroup, "Arn"], statement.GetProperty("Resource").GetProperty("Fn::GetAtt").EnumerateArray().Select(a => a.GetString()));
        }
    }

    [Fact]
    public void Outputs_are_the_function_arn_its_url_and_the_alias()
    {
        var outputs = Templates.Json(Deployments.Zip()).GetProperty("Outputs");

        Assert.Equal(["FunctionArn", "FunctionUrl", "AliasArn"], outputs.EnumerateObject().Select(o => o.Name));
        Assert.Equal([Names.Url, "FunctionUrl"], outputs.GetProperty("FunctionUrl").GetProperty("Value").GetProperty("Fn::GetAtt").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void The_same_input_gives_byte_identical_json_and_yaml()
    {
        foreach (var ((name, first), (_, second)) in Deployments.All().Zip(Deployments.All()))
        {
            Assert.NotSame(first, second);
            Assert.Equal(TemplateWriter.ToJson(CloudFormationTemplate.Build(first)), TemplateWriter.ToJson(CloudFormationTemplate.Build(second)));
            Assert.Equal(TemplateWriter.ToYaml(CloudFormationTemplate.Build(first)), TemplateWriter.ToYaml(CloudFormationTemplate.Build(second)));
            Assert.DoesNotContain("\r", TemplateWriter.ToYaml(CloudFormationTemplate.Build(first)), StringComparison.Ordinal);
            _ = name;
        }
    }

    [Fact]
    public void The_environment_is_written_in_ordinal_order_whatever_order_it_was_set_in()
    {
        var settings = Deployments.Settings() with { Environment = new Dictionary<string, string> { ["Z"] = "1", ["A"] = "2", ["M"] = "3" } };
        var reversed = settings with { Environment = new Dictionary<string, string> { ["M"] = "3", ["A"] = "2", ["Z"] = "1" } };

        Assert.Equal(TemplateWriter.ToJson(CloudFormationTemplate.Build(Deployments.Zip(settings: settings))),
            TemplateWriter.ToJson(CloudFormationTemplate.Build(Deployments.Zip(settings: reversed))));
    }

    [Fact]
    public void The_yaml_reads_back_as_the_json()
    {
        foreach (var (name, deployment) in Deployments.All())
        {
            var template = CloudFormationTemplate.Build(deployment);
            var yaml = new YamlStream();
            yaml.Load(new StringReader(TemplateWriter.ToYaml(template)));

            var fromYaml = ToJson(yaml.Documents.Single().RootNode);

            Assert.True(JsonNode.DeepEquals(template, fromYaml), $"{name}:\n{fromYaml}");
        }
    }

    [Fact]
    public void Yaml_quotes_what_would_otherwise_read_as_another_type()
    {
        var settings = Deployments.Settings() with
        {
            Environment = new Dictionary<string, string> { ["YES"] = "yes", ["NUM"] = "010", ["COLON"] = "a: b", ["HASH"] = "# c", ["NL"] = "x\ny", ["2X"] = "" },
        };
        var template = CloudFormationTemplate.Build(Deployments.Zip(settings: settings));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(TemplateWriter.ToYaml(template)));

        Assert.True(JsonNode.DeepEquals(template, ToJson(yaml.Documents.Single().RootNode)));
    }

    /// <summary>YAML to JSON: double-quoted scalars are strings; plain ones numbers, booleans or null as YAML 1.2's core schema reads them.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.DoubleQuoted or YamlDotNet.Core.ScalarStyle.SingleQuoted } s => JsonValue.Create(s.Value),
        YamlScalarNode { Value: "true" } => JsonValue.Create(true),
        YamlScalarNode { Value: "false" } => JsonValue.Create(false),
        YamlScalarNode { Value: "null" } => null,
        YamlScalarNode s when long.TryParse(s.Value, out var n) => JsonValue.Create(n),
        YamlScalarNode s => throw new InvalidDataException($"Plain scalar '{s.Value}' would not read back as a string reliably"),
        _ => throw new InvalidDataException(node.GetType().Name),
    };
}
