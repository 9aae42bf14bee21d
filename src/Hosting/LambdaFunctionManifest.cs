using Aspire.Hosting.Publishing;

namespace LlamaAspire.Hosting;

/// <summary>
/// A function's manifest entry (<c>llamaaspire.lambda.function.v0</c>): its <see cref="LambdaFunctionSettings"/>, evaluated in
/// publish mode — what a CloudFormation writer reads. The local launch details are not part of it.
/// </summary>
internal static class LambdaFunctionManifest
{
    public const string Type = "llamaaspire.lambda.function.v0";

    public static async Task WriteAsync(ManifestPublishingContext context, LambdaFunctionResource function)
    {
        var settings = await LambdaFunctionSettings.ReadAsync(function, context.ExecutionContext, context.CancellationToken).ConfigureAwait(false);
        var writer = context.Writer;
        writer.WriteString("type", Type);
        writer.WriteString("functionName", settings.FunctionName);
        writer.WriteString("project", context.GetManifestRelativePath(settings.ProjectPath));
        writer.WriteString("build", settings.Build == LambdaBuildKind.NativeAot ? "native-aot" : "jit");
        writer.WriteString("architecture", settings.ArchitectureName);
        writer.WriteNumber("memorySize", settings.MemorySize);
        writer.WriteNumber("timeout", (int)Math.Ceiling(settings.Timeout.TotalSeconds));
        writer.WriteNumber("ephemeralStorage", settings.EphemeralStorageMb);
        if (settings.ReservedConcurrency is { } reserved)
        {
            writer.WriteNumber("reservedConcurrency", reserved);
        }

        if (settings.ProvisionedConcurrency > 0)
        {
            writer.WriteNumber("provisionedConcurrency", settings.ProvisionedConcurrency);
        }

        writer.WriteStartObject("env");
        foreach (var (key, value) in settings.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
