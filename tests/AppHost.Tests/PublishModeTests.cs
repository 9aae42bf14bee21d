using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;
using LlamaAspire.Hosting;

namespace LlamaAspire.AppHost.Tests;

/// <summary>In publish mode a function's deployable settings are readable and in the manifest; its local launch is not.</summary>
public sealed class PublishModeTests
{
    private static readonly DistributedApplicationExecutionContext Publish = new(DistributedApplicationOperation.Publish);

    private static IResourceBuilder<LambdaFunctionResource> Function(IDistributedApplicationBuilder builder) =>
        builder.AddLambdaFunction<Projects.InferenceFunction>("llama")
            .WithModel(builder.AddLlamaModel("model", "tiny"))
            .WithMemorySize(3008)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .WithArchitecture(LambdaArchitecture.Arm64)
            .WithEphemeralStorage(1024)
            .WithReservedConcurrency(2)
            .WithIdleTimeout(TimeSpan.FromSeconds(42))
            .WithEnvironment("LLAMA_INTRA_OP_THREADS", "2");

    [Fact]
    public async Task Settings_are_read_in_publish_mode_with_the_environment_the_callbacks_give()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var function = Function(builder);

        var settings = await LambdaFunctionSettings.ReadAsync(function.Resource, Publish);

        Assert.Equal(3008, settings.MemorySize);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
        Assert.Equal("arm64", settings.ArchitectureName);
        Assert.Equal(1024, settings.EphemeralStorageMb);
        Assert.Equal(2, settings.ReservedConcurrency);
        Assert.Equal("2", settings.Environment["LLAMA_INTRA_OP_THREADS"]);
        Assert.EndsWith(Path.Combine("models", "tiny"), settings.Environment["MODEL_DIR"], StringComparison.Ordinal);

        // The launch is separate: the idle timeout and the command are local details.
        var launch = LambdaLaunchSettings.For(function.Resource);
        Assert.Equal(TimeSpan.FromSeconds(42), launch.IdleTimeout);
        Assert.Equal("dotnet", launch.Command);
    }

    [Fact]
    public async Task The_manifest_entry_holds_the_deployable_settings_and_no_launch_details()
    {
        var builder = ModelTestHelpers.CreateBuilder();
        var function = Function(builder);
        var callback = Assert.Single(function.Resource.Annotations.OfType<ManifestPublishingCallbackAnnotation>());

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            var context = new ManifestPublishingContext(Publish, Path.Combine(Path.GetTempPath(), "manifest.json"), writer, CancellationToken.None);
            await callback.Callback!(context);
            writer.WriteEndObject();
        }

        var entry = JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray())).RootElement;
        Assert.Equal("llamaaspire.lambda.function.v0", entry.GetProperty("type").GetString());
        Assert.Equal("arm64", entry.GetProperty("architecture").GetString());
        Assert.Equal(3008, entry.GetProperty("memorySize").GetInt32());
        Assert.Equal(30, entry.GetProperty("timeout").GetInt32());
        Assert.Equal(1024, entry.GetProperty("ephemeralStorage").GetInt32());
        Assert.Equal(2, entry.GetProperty("reservedConcurrency").GetInt32());
        Assert.Equal("2", entry.GetProperty("env").GetProperty("LLAMA_INTRA_OP_THREADS").GetString());
        Assert.False(entry.TryGetProperty("idleTimeout", out _));
        Assert.False(entry.TryGetProperty("command", out _));
    }
}
