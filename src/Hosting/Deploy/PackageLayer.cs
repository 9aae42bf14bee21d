namespace LlamaAspire.Hosting.Deploy;

/// <summary>What a packaged file is. The order is an image's layer order, lowest first: what changes least goes lowest,
/// so a code change re-uploads only the top layer.</summary>
internal enum PackageLayer
{
    /// <summary>The model directory's files.</summary>
    Model,

    /// <summary>Native libraries (<c>libonnxruntime.so</c>).</summary>
    Natives,

    /// <summary>The function's code: the Native AOT <c>bootstrap</c>, or the managed runtime's assemblies and their
    /// <c>.deps.json</c> and <c>.runtimeconfig.json</c>.</summary>
    Bootstrap,
}
