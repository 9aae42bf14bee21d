using LlamaAspire.Hosting.Deploy;
using LlamaAspire.Hosting.Deploy.Image;
using Microsoft.Extensions.Configuration;

namespace LlamaAspire.Deploy.Tests;

/// <summary>The <c>Deploy</c> configuration section and base-image references: what is read, and bad values refused by name.</summary>
public sealed class DeployTargetTests
{
    private static DeployTarget Read(params (string Key, string Value)[] values) => DeployTarget.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create($"Deploy:{v.Key}", (string?)v.Value))).Build(),
        "/state");

    [Fact]
    public void The_section_sets_region_endpoints_and_confirmation_and_AWS_endpoints_are_the_default()
    {
        var target = Read(("Region", "eu-west-1"), ("Yes", "true"), ("S3ServiceUrl", "http://127.0.0.1:4568/"), ("ArtifactBucket", "b"));

        Assert.Equal("eu-west-1", target.Region);
        Assert.True(target.Yes);
        Assert.Equal(new Uri("https://cloudformation.eu-west-1.amazonaws.com/"), target.CloudFormationEndpoint);
        Assert.Equal(new Uri("https://api.ecr.eu-west-1.amazonaws.com/"), target.EcrEndpoint);
        Assert.Equal("http://127.0.0.1:4568/", target.S3ServiceUrl);
        Assert.Null(target.Registry);
        Assert.Equal("llamaaspire-llama-aot", target.StackName("llama-aot"));
        Assert.Equal(Path.Combine("/state", "llama-aot.deployment.json"), target.StatePath("llama-aot"));
        Assert.Equal(TimeSpan.FromSeconds(5), target.PollInterval);
    }

    [Theory]
    [InlineData("Yes", "maybe", "Deploy:Yes must be true or false, not 'maybe'.")]
    [InlineData("CloudFormationEndpoint", "localhost:9000", "Deploy:CloudFormationEndpoint must be an http(s) URL, not 'localhost:9000'.")]
    [InlineData("PollSeconds", "-1", "Deploy:PollSeconds must be a positive number of seconds, not '-1'.")]
    public void A_bad_value_is_refused_naming_its_key(string key, string value, string message)
    {
        var refused = Assert.Throws<DeployRefusedException>(() => Read(("Region", "us-east-1"), (key, value)));

        Assert.Equal([message], refused.Reasons);
    }

    [Theory]
    [InlineData("public.ecr.aws/lambda/provided:al2023", "https://public.ecr.aws/", "lambda/provided", "al2023")]
    [InlineData("127.0.0.1:5000/base/al2023@sha256:abc", "http://127.0.0.1:5000/", "base/al2023", "sha256:abc")]
    [InlineData("localhost:5000/base", "http://localhost:5000/", "base", "latest")]
    public void A_base_image_reference_names_its_registry_repository_and_tag(string text, string registry, string repository, string reference)
    {
        var parsed = ImageReference.Parse(text);

        Assert.Equal(new ImageReference(new Uri(registry), repository, reference), parsed);
        Assert.Equal(reference == "latest" ? $"{text}:latest" : text, parsed.ToString());
    }

    [Fact]
    public void A_base_image_without_a_registry_is_refused_with_the_form_it_needs()
    {
        var refused = Assert.Throws<ArgumentException>(() => ImageReference.Parse("lambda/provided:al2023"));

        Assert.StartsWith("The base image 'lambda/provided:al2023' names no registry: write it as host/repository:tag", refused.Message, StringComparison.Ordinal);
    }
}
