using LlamaAspire.Hosting;
using LlamaAspire.Hosting.Deploy;

namespace LlamaAspire.Deploy.Tests;

/// <summary>Deployments to write templates from, without building anything: the files are sizes only.</summary>
internal static class Deployments
{
    public const long Mb = 1024L * 1024;

    public const string Sha = "7ebb0463a8624a7f71030d049f19b94dfd45323f18676a87ad050fd35c4a3b6d";

    public static LambdaFunctionSettings Settings(int memory = 10240, LambdaArchitecture architecture = LambdaArchitecture.X64, int ephemeral = 512, int? reserved = 4) =>
        new("llama", memory, TimeSpan.FromSeconds(60), architecture, ephemeral, reserved,
            new Dictionary<string, string> { ["MODEL_DIR"] = "/var/task", ["LLAMA_INTRA_OP_THREADS"] = "6" },
            LambdaBuildKind.NativeAot, "/repo/src/InferenceFunction/InferenceFunction.csproj");

    public static List<PackageFile> Files(long modelBytes, long bootstrapBytes = 12 * Mb, long nativeBytes = 28 * Mb) =>
    [
        new("bootstrap", "/publish/bootstrap", bootstrapBytes, PackageLayer.Bootstrap),
        new("libonnxruntime.so", "/publish/libonnxruntime.so", nativeBytes, PackageLayer.Natives),
        new("config.json", "/model/config.json", 1_600, PackageLayer.Model),
        new("model.onnx", "/model/model.onnx", modelBytes, PackageLayer.Model),
    ];

    /// <summary>A managed-runtime publish: the executable assembly with its runtime config and dependency manifest, a
    /// dependency, the natives and the model; no <c>bootstrap</c>.</summary>
    public static List<PackageFile> ManagedFiles(long modelBytes) =>
    [
        new("bootstrap.dll", "/publish/bootstrap.dll", 300_000, PackageLayer.Bootstrap),
        new("bootstrap.runtimeconfig.json", "/publish/bootstrap.runtimeconfig.json", 400, PackageLayer.Bootstrap),
        new("bootstrap.deps.json", "/publish/bootstrap.deps.json", 9_000, PackageLayer.Bootstrap),
        new("Microsoft.ML.OnnxRuntime.dll", "/publish/Microsoft.ML.OnnxRuntime.dll", 2 * Mb, PackageLayer.Bootstrap),
        new("libonnxruntime.so", "/publish/libonnxruntime.so", 28 * Mb, PackageLayer.Natives),
        new("config.json", "/model/config.json", 1_600, PackageLayer.Model),
        new("model.onnx", "/model/model.onnx", modelBytes, PackageLayer.Model),
    ];

    /// <summary>The managed runtime, with SnapStart unless told otherwise.</summary>
    public static FunctionDeployment Managed(bool snapStart = true, LambdaFunctionSettings? settings = null) =>
        Of(settings ?? Settings(), new LambdaDeployAnnotation { Runtime = LambdaDeployRuntime.Managed, SnapStart = snapStart }, PackagePlan.Choose(ManagedFiles(10 * Mb)));

    public static FunctionDeployment Zip(LambdaDeployAnnotation? options = null, LambdaFunctionSettings? settings = null) =>
        Of(settings ?? Settings(), options ?? new LambdaDeployAnnotation(), PackagePlan.Choose(Files(10 * Mb)));

    public static FunctionDeployment Image(LambdaDeployAnnotation? options = null, LambdaFunctionSettings? settings = null) =>
        Of(settings ?? Settings(), options ?? new LambdaDeployAnnotation(), PackagePlan.Choose(Files(1800 * Mb)));

    /// <summary>Every shape of template the writer makes: Zip and image, x86_64 and arm64, IAM and public URL, with and
    /// without reserved and provisioned concurrency, the managed runtime with and without SnapStart.</summary>
    public static IEnumerable<(string Name, FunctionDeployment Deployment)> All()
    {
        yield return ("zip, defaults", Zip());
        yield return ("image, defaults", Image());
        yield return ("zip, public URL, provisioned", Zip(new LambdaDeployAnnotation { FunctionUrlAuth = LambdaFunctionUrlAuth.None, ProvisionedConcurrency = 2 }));
        yield return ("image, arm64, no reserved, 30-day logs", Image(new LambdaDeployAnnotation { LogRetentionDays = 30 }, Settings(architecture: LambdaArchitecture.Arm64, reserved: null, ephemeral: 2048)));
        yield return ("managed dotnet10, SnapStart", Managed());
        yield return ("managed dotnet10, arm64, no SnapStart", Managed(snapStart: false, Settings(architecture: LambdaArchitecture.Arm64)));
    }

    private static FunctionDeployment Of(LambdaFunctionSettings settings, LambdaDeployAnnotation options, PackagePlan plan) =>
        new(settings, options, plan, PackageContents.DeployedEnvironment(settings.Environment, hasModel: true), Sha, "tiny");
}
