using Aspire.Hosting.ApplicationModel;

namespace LlamaAspire.Hosting;

/// <summary>
/// How a function deploys beyond what <see cref="LambdaFunctionSettings"/> holds: the function URL's auth, provisioned
/// concurrency, log retention, the runtime, SnapStart and the alias. Publish and deploy read it; of it, the emulator reads only
/// SnapStart (through <see cref="LambdaFunctionSettings.SnapStart"/>: its cold starts restore a held environment).
/// </summary>
public sealed record LambdaDeployAnnotation : IResourceAnnotation
{
    /// <summary>Days CloudWatch keeps the function's logs unless <see cref="LogRetentionDays"/> says otherwise.</summary>
    public const int DefaultLogRetentionDays = 14;

    /// <summary>The alias the function URL points at unless <see cref="AliasName"/> says otherwise.</summary>
    public const string DefaultAliasName = "live";

    /// <summary>Who may call the function URL; <c>AWS_IAM</c> unless asked otherwise.</summary>
    public LambdaFunctionUrlAuth FunctionUrlAuth { get; init; } = LambdaFunctionUrlAuth.AwsIam;

    /// <summary>Environments kept initialized on the alias, or null for none.</summary>
    public int? ProvisionedConcurrency { get; init; }

    /// <summary>Days the log group keeps logs (one of CloudWatch's retention values).</summary>
    public int LogRetentionDays { get; init; } = DefaultLogRetentionDays;

    /// <summary>The runtime the function deploys on: the Native AOT <c>bootstrap</c> unless <c>WithManagedRuntime</c> says otherwise.</summary>
    public LambdaDeployRuntime Runtime { get; init; } = LambdaDeployRuntime.NativeAot;

    /// <summary>Whether SnapStart is asked for (it needs <see cref="LambdaDeployRuntime.Managed"/>; refused otherwise).</summary>
    public bool SnapStart { get; init; }

    /// <summary>The image a container-image package's layers go on (<c>host/repository:tag</c>), copied registry to
    /// registry when the deploy pushes; <c>public.ecr.aws/lambda/provided:al2023</c> unless <c>WithBaseImage</c> says otherwise.</summary>
    public string BaseImage { get; init; } = Deploy.Image.OciImageWriter.DefaultBaseImage;

    /// <summary>The alias name.</summary>
    public string AliasName { get; init; } = DefaultAliasName;
}
