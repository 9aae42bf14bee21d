using System.Text;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Deployment;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>
/// The configurations Lambda would reject or that could not run, found before anything is uploaded — and each as early as
/// what it needs is known: the settings and this machine's toolchain before any build, the model's size as soon as the model
/// directory exists (before the minute-long function build), the package's total once the function is built.
/// </summary>
internal static class DeployChecks
{
    /// <summary>What is wrong with the settings alone (checked before any build).</summary>
    public static List<string> SettingsRefusals(LambdaFunctionSettings settings, LambdaDeployAnnotation options, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var refusals = new List<string>();
        if (options.SnapStart)
        {
            if (options.Runtime != LambdaDeployRuntime.Managed)
            {
                refusals.Add($"SnapStart is not available on the OS-only runtime {LambdaDeploymentNames.ProvidedAl2023Runtime} that the Native AOT " +
                    $"bootstrap runs on (nor for container images): add WithManagedRuntime() to deploy on the managed {LambdaDeploymentNames.Dotnet10Runtime} " +
                    "runtime, as a Zip, which SnapStart supports.");
            }

            if (settings.EphemeralStorageMb > LambdaLimits.MaxSnapStartEphemeralStorageMb)
            {
                refusals.Add($"SnapStart supports at most {ByteSize.FormatMb(LambdaLimits.MaxSnapStartEphemeralStorageMb)} of ephemeral storage; " +
                    $"{ByteSize.FormatMb(settings.EphemeralStorageMb)} exceeds it by {ByteSize.FormatMb(settings.EphemeralStorageMb - LambdaLimits.MaxSnapStartEphemeralStorageMb)}.");
            }

            if (options.ProvisionedConcurrency is { } provisioned)
            {
                refusals.Add($"SnapStart does not support provisioned concurrency: it allows 0 provisioned environments; {provisioned} exceeds it by {provisioned}. " +
                    "Remove WithProvisionedConcurrency (a restored snapshot is what keeps cold starts short) or WithSnapStart.");
            }
        }

        if (options.ProvisionedConcurrency is { } asked && settings.ReservedConcurrency is { } reserved && asked > reserved)
        {
            refusals.Add($"Provisioned concurrency {asked} exceeds the reserved concurrency {reserved} by {asked - reserved}.");
        }

        var environmentBytes = environment.Sum(kv => Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value));
        if (environmentBytes > LambdaLimits.MaxEnvironmentBytes)
        {
            refusals.Add($"The environment variables take {environmentBytes:N0} bytes; Lambda allows {LambdaLimits.MaxEnvironmentBytes:N0}, " +
                $"exceeded by {environmentBytes - LambdaLimits.MaxEnvironmentBytes:N0}.");
        }

        return refusals;
    }

    /// <summary>What this machine lacks to build the function (checked before any build): the arm64 cross toolchain for a
    /// Native AOT linux-arm64 bootstrap on an x64 machine. A managed-runtime assembly needs no native toolchain.</summary>
    public static List<string> ToolchainRefusals(LambdaFunctionSettings settings, LambdaDeployAnnotation options, IReadOnlyList<string> missingArm64Packages)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(missingArm64Packages);
        return options.Runtime == LambdaDeployRuntime.NativeAot && settings.Architecture == LambdaArchitecture.Arm64 && missingArm64Packages.Count > 0
            ? [Arm64CrossToolchain.Refusal(missingArm64Packages)]
            : [];
    }

    /// <summary>What is wrong given the model alone (checked once the model directory exists, before the function is built):
    /// memory below its resident size, or its files alone beyond what the runtime's package type holds.</summary>
    public static List<string> ModelRefusals(LambdaFunctionSettings settings, LambdaDeployAnnotation options, ModelFootprint model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        var refusals = new List<string>();
        var residentMb = ByteSize.CeilingMb(model.ResidentBytes);
        if (residentMb > settings.MemorySize)
        {
            var hint = residentMb > LambdaLimits.MaxMemoryMb
                ? $" Lambda's largest memory size is {ByteSize.FormatMb(LambdaLimits.MaxMemoryMb)}: this model cannot run on Lambda."
                : $" Set WithMemorySize({Math.Max(residentMb, LambdaLimits.MinMemoryMb)}) or more.";
            refusals.Add($"Memory {ByteSize.FormatMb(settings.MemorySize)} is below the model's estimated resident size " +
                $"{ByteSize.FormatMb(residentMb)} ({model.Breakdown}) by {ByteSize.FormatMb(residentMb - settings.MemorySize)}.{hint}");
        }

        if (options.Runtime == LambdaDeployRuntime.Managed && model.ModelBytes > LambdaLimits.MaxUnzippedCodeBytes)
        {
            refusals.Add(ManagedTooLarge($"The model ({ByteSize.Format(model.ModelBytes)})", model.ModelBytes));
        }
        else if (model.ModelBytes > LambdaLimits.MaxImageBytes)
        {
            refusals.Add($"The model's files ({ByteSize.Format(model.ModelBytes)}) exceed Lambda's container image limit of " +
                $"{ByteSize.Format(LambdaLimits.MaxImageBytes)} by {ByteSize.Format(model.ModelBytes - LambdaLimits.MaxImageBytes)}.");
        }

        return refusals;
    }

    /// <summary>What is wrong with the built package: larger than its type allows, or a package type the runtime cannot use.</summary>
    public static List<string> PackageRefusals(LambdaDeployAnnotation options, PackagePlan plan)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plan);
        var refusals = new List<string>();
        if (options.Runtime == LambdaDeployRuntime.Managed && plan.Kind != PackageKind.Zip)
        {
            refusals.Add(ManagedTooLarge($"The package ({ByteSize.Format(plan.TotalBytes)}: model {ByteSize.Format(plan.BytesOf(PackageLayer.Model))})", plan.TotalBytes));
            if (options.SnapStart)
            {
                refusals.Add("SnapStart is not available for container images: it needs a Zip package, at most " +
                    $"{ByteSize.Format(LambdaLimits.MaxUnzippedCodeBytes)} unzipped; this one exceeds it by {ByteSize.Format(plan.TotalBytes - LambdaLimits.MaxUnzippedCodeBytes)}.");
            }
        }
        else if (plan.TotalBytes > plan.LimitBytes)
        {
            refusals.Add($"The package ({ByteSize.Format(plan.TotalBytes)}: model {ByteSize.Format(plan.BytesOf(PackageLayer.Model))}) exceeds " +
                $"Lambda's {(plan.Kind == PackageKind.Zip ? "Zip unzipped" : "container image")} limit of {ByteSize.Format(plan.LimitBytes)} " +
                $"by {ByteSize.Format(plan.TotalBytes - plan.LimitBytes)}.");
        }

        return refusals;
    }

    private static string ManagedTooLarge(string what, long bytes) =>
        $"{what} exceeds Lambda's Zip unzipped limit of " +
        $"{ByteSize.Format(LambdaLimits.MaxUnzippedCodeBytes)} by {ByteSize.Format(bytes - LambdaLimits.MaxUnzippedCodeBytes)}, and the managed " +
        $"{LambdaDeploymentNames.Dotnet10Runtime} runtime deploys as a Zip only: deploy this model with the Native AOT bootstrap (the default, " +
        $"without WithManagedRuntime and WithSnapStart: it goes in a container image of up to {ByteSize.Format(LambdaLimits.MaxImageBytes)}), or choose a smaller model.";
}
