using System.Text.Json;
using LlamaAspire.Hosting.Deploy;
using Names = LlamaAspire.Hosting.Deploy.CloudFormationTemplate.Names;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The template of a function on the managed dotnet10 runtime, with and without SnapStart.</summary>
public sealed class ManagedRuntimeTemplateTests
{
    [Fact]
    public void The_function_is_the_executable_assembly_on_dotnet10_with_SnapStart_on_published_versions()
    {
        var template = Templates.Json(Deployments.Managed());
        var function = Templates.Properties(template, Names.Function);

        Assert.Equal("dotnet10", function.GetProperty("Runtime").GetString());
        Assert.Equal("bootstrap", function.GetProperty("Handler").GetString()); // the assembly's name: bootstrap.dll
        Assert.Equal("Zip", function.GetProperty("PackageType").GetString());
        Assert.Equal("PublishedVersions", function.GetProperty("SnapStart").GetProperty("ApplyOn").GetString());
        Assert.Equal(512, function.GetProperty("EphemeralStorage").GetProperty("Size").GetInt32());
        Assert.Equal(Names.ArtifactKey, function.GetProperty("Code").GetProperty("S3Key").GetProperty("Ref").GetString());
        Assert.Contains("executable assembly on dotnet10 with SnapStart", template.GetProperty("Description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_alias_and_its_function_url_invoke_the_published_version_which_is_what_SnapStart_snapshots()
    {
        var template = Templates.Json(Deployments.Managed());

        var version = Templates.Properties(template, Names.Version);
        Assert.Equal(Names.Function, version.GetProperty("FunctionName").GetProperty("Ref").GetString());
        var alias = Templates.Properties(template, Names.Alias);
        Assert.Equal([Names.Version, "Version"], alias.GetProperty("FunctionVersion").GetProperty("Fn::GetAtt").EnumerateArray().Select(e => e.GetString()));
        Assert.False(alias.TryGetProperty("ProvisionedConcurrencyConfig", out _));
        var url = Templates.Properties(template, Names.Url);
        Assert.Equal("live", url.GetProperty("Qualifier").GetString());
        Assert.Equal(Names.Alias, Templates.Resource(template, Names.Url).GetProperty("DependsOn").GetString());
    }

    [Fact]
    public void Without_SnapStart_the_managed_function_has_no_SnapStart_property_nor_has_the_Native_AOT_one()
    {
        var managed = Templates.Properties(Templates.Json(Deployments.Managed(snapStart: false)), Names.Function);
        var aot = Templates.Properties(Templates.Json(Deployments.Zip()), Names.Function);

        Assert.Equal("dotnet10", managed.GetProperty("Runtime").GetString());
        Assert.False(managed.TryGetProperty("SnapStart", out _));
        Assert.Equal("provided.al2023", aot.GetProperty("Runtime").GetString());
        Assert.False(aot.TryGetProperty("SnapStart", out _));
    }

    [Fact]
    public void The_same_managed_input_gives_byte_identical_templates()
    {
        Assert.Equal(TemplateWriter.ToJson(CloudFormationTemplate.Build(Deployments.Managed())), TemplateWriter.ToJson(CloudFormationTemplate.Build(Deployments.Managed())));
        Assert.Equal(TemplateWriter.ToYaml(CloudFormationTemplate.Build(Deployments.Managed())), TemplateWriter.ToYaml(CloudFormationTemplate.Build(Deployments.Managed())));
    }

    [Fact]
    public void A_managed_package_without_one_executable_assembly_has_no_handler_and_is_refused()
    {
        var files = Deployments.ManagedFiles(Deployments.Mb).Where(f => !f.RelativePath.EndsWith(".runtimeconfig.json", StringComparison.Ordinal));

        var refused = Assert.Throws<InvalidOperationException>(() => PackageContents.ManagedHandler(PackagePlan.Choose(files)));

        Assert.Contains("one executable assembly with a *.runtimeconfig.json at the package root; found 0", refused.Message, StringComparison.Ordinal);
    }

    [CfnSpecFact]
    public void The_managed_templates_match_AWS_specification()
    {
        foreach (var deployment in (FunctionDeployment[])[Deployments.Managed(), Deployments.Managed(snapStart: false)])
        {
            var violations = Templates.Violations(Templates.Json(deployment), CloudFormationSpec.Instance);
            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }

        // The property the checker passed above is the specification's own, with its ApplyOn.
        var snapStart = JsonDocument.Parse("""{"Code": {}, "Role": "r", "SnapStart": {"ApplyOn": "PublishedVersions"}}""").RootElement;
        Assert.Empty(CloudFormationSpec.Instance.Check("AWS::Lambda::Function", snapStart, "F"));
        var wrong = JsonDocument.Parse("""{"Code": {}, "Role": "r", "SnapStart": {"Apply": "PublishedVersions"}}""").RootElement;
        Assert.NotEmpty(CloudFormationSpec.Instance.Check("AWS::Lambda::Function", wrong, "F"));
    }
}
