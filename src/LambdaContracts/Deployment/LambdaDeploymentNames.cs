namespace LlamaAspire.LambdaContracts.Deployment;

/// <summary>The values <c>AWS::Lambda::*</c> resources take, as CloudFormation and the Lambda API spell them.</summary>
public static class LambdaDeploymentNames
{
    /// <summary>The OS-only runtime a Native AOT <c>bootstrap</c> runs on.</summary>
    public const string ProvidedAl2023Runtime = "provided.al2023";

    /// <summary>The managed .NET 10 runtime: the function is an executable assembly, its <c>Handler</c> the assembly's name.</summary>
    public const string Dotnet10Runtime = "dotnet10";

    /// <summary>The executable a custom runtime starts, at the root of the package (<c>LAMBDA_TASK_ROOT</c>).</summary>
    public const string BootstrapFile = "bootstrap";

    /// <summary>Where Lambda unpacks the function's package (the value of <c>LAMBDA_TASK_ROOT</c>).</summary>
    public const string TaskRootPath = "/var/task";

    /// <summary>Where a custom runtime's <c>bootstrap</c> lives in a container image (the value of <c>LAMBDA_RUNTIME_DIR</c>).</summary>
    public const string RuntimeDirPath = "/var/runtime";

    /// <summary>The service principal the function's execution role trusts.</summary>
    public const string ServicePrincipal = "lambda.amazonaws.com";

    /// <summary><c>PackageType</c> values.</summary>
    public static class PackageTypes
    {
        /// <summary>A .zip archive, at most <see cref="LambdaLimits.MaxUnzippedCodeBytes"/> unzipped.</summary>
        public const string Zip = "Zip";

        /// <summary>A container image, at most <see cref="LambdaLimits.MaxImageBytes"/>.</summary>
        public const string Image = "Image";
    }

    /// <summary><c>SnapStart.ApplyOn</c> values.</summary>
    public static class SnapStartApplyOn
    {
        /// <summary>A snapshot is taken of each published version (never of <c>$LATEST</c>).</summary>
        public const string PublishedVersions = "PublishedVersions";
    }

    /// <summary>A managed runtime's files beside an executable assembly <c>{name}.dll</c>.</summary>
    public static class ManagedAssemblyFiles
    {
        /// <summary>The runtime configuration (framework and version): <c>{name}.runtimeconfig.json</c>.</summary>
        public const string RuntimeConfigSuffix = ".runtimeconfig.json";

        /// <summary>The dependency manifest: <c>{name}.deps.json</c>.</summary>
        public const string DepsSuffix = ".deps.json";

        /// <summary>The assembly itself: <c>{name}.dll</c>.</summary>
        public const string AssemblySuffix = ".dll";
    }

    /// <summary><c>Architectures</c> values.</summary>
    public static class Architectures
    {
        /// <summary>64-bit x86.</summary>
        public const string X64 = "x86_64";

        /// <summary>64-bit ARM (Graviton).</summary>
        public const string Arm64 = "arm64";
    }

    /// <summary>A function URL's <c>AuthType</c>.</summary>
    public static class FunctionUrlAuthTypes
    {
        /// <summary>Callers sign requests with SigV4 and need <c>lambda:InvokeFunctionUrl</c>.</summary>
        public const string AwsIam = "AWS_IAM";

        /// <summary>Anyone on the internet may invoke.</summary>
        public const string None = "NONE";
    }

    /// <summary>A function URL's <c>InvokeMode</c>.</summary>
    public static class InvokeModes
    {
        /// <summary>The response streams as the function writes it.</summary>
        public const string ResponseStream = "RESPONSE_STREAM";

        /// <summary>The response is sent once complete.</summary>
        public const string Buffered = "BUFFERED";
    }

    /// <summary><c>LoggingConfig.LogFormat</c> values.</summary>
    public static class LogFormats
    {
        /// <summary>Structured JSON log lines (platform lines too).</summary>
        public const string Json = "JSON";
    }

    /// <summary>IAM actions a deployment grants or references.</summary>
    public static class Actions
    {
        /// <summary>Invoking through a function URL.</summary>
        public const string InvokeFunctionUrl = "lambda:InvokeFunctionUrl";

        /// <summary>Invoking through the Invoke API (also required of public URLs since October 2025).</summary>
        public const string InvokeFunction = "lambda:InvokeFunction";
    }
}
