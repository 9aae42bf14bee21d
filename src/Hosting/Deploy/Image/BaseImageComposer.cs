using System.Text.Json.Nodes;

namespace LlamaAspire.Hosting.Deploy.Image;

/// <summary>
/// Puts the function's layers on a base image: the base's layers first, then model → natives → bootstrap; the base's
/// config (its environment, history) with the function's layers' diff ids and history appended, and the function's
/// entrypoint and working directory in place of the base's.
/// </summary>
internal static class BaseImageComposer
{
    /// <summary>The composed config: the base's, with the function's layers, history, entrypoint and working directory.</summary>
    public static JsonObject Config(JsonObject baseConfig, JsonObject ownConfig)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(ownConfig);
        var config = baseConfig.DeepClone().AsObject();
        var runtime = config["config"] as JsonObject ?? new JsonObject();
        config["config"] = runtime;
        runtime["Entrypoint"] = ownConfig["config"]?["Entrypoint"]?.DeepClone();
        runtime["WorkingDir"] = ownConfig["config"]?["WorkingDir"]?.DeepClone();
        runtime.Remove("Cmd"); // the base's command was for its own entrypoint
        config["rootfs"] = new JsonObject
        {
            ["type"] = "layers",
            ["diff_ids"] = Concat(baseConfig["rootfs"]?["diff_ids"], ownConfig["rootfs"]?["diff_ids"]),
        };
        config["history"] = Concat(baseConfig["history"], ownConfig["history"]);
        return config;
    }

    /// <summary>The manifest: the base's layer descriptors, then the function's, and the base named in its annotations.</summary>
    public static JsonObject Manifest(JsonObject baseManifest, string baseDigest, string baseName, OciDescriptor config, IReadOnlyList<OciDescriptor> ownLayers)
    {
        ArgumentNullException.ThrowIfNull(baseManifest);
        ArgumentNullException.ThrowIfNull(ownLayers);
        var layers = Concat(baseManifest["layers"], new JsonArray(ownLayers.Select(l => (JsonNode)Descriptor(l)).ToArray()));
        return new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = Descriptor(config),
            ["layers"] = layers,
            ["annotations"] = new JsonObject
            {
                ["org.opencontainers.image.base.name"] = baseName,
                ["org.opencontainers.image.base.digest"] = baseDigest,
            },
        };
    }

    private static JsonObject Descriptor(OciDescriptor d) => new() { ["mediaType"] = d.MediaType, ["digest"] = d.Digest, ["size"] = d.Size };

    private static JsonArray Concat(JsonNode? first, JsonNode? second) =>
        new((first as JsonArray ?? []).Concat(second as JsonArray ?? []).Select(n => n?.DeepClone()).ToArray());
}
