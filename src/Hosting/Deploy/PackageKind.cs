namespace LlamaAspire.Hosting.Deploy;

/// <summary>How the function's code reaches Lambda (<c>AWS::Lambda::Function.PackageType</c>).</summary>
internal enum PackageKind
{
    /// <summary>A .zip archive: bootstrap, native libraries and model at its root.</summary>
    Zip,

    /// <summary>A container image: model, native libraries and bootstrap as layers, in that order.</summary>
    Image,
}
