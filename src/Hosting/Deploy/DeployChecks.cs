using System.Text;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Deployment;

namespace LlamaAspire.Hosting.Deploy;

/// <summary>The configurations Lambda would reject or that could not run, found before anything is uploaded.</summary>
internal static class DeployChecks
{
    /// <summary>What is wrong with the settings alone (checked before the minute-long bootstrap build).</summary>
    public static List<string> SettingsRefusals(LambdaFunctionSettings settings, LambdaDeployAnnotation options, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var refusals = new List<string>();
        if (options.SnapStart)
        {
            refusals.Add($"SnapStart is not available on the OS-only runtime {LambdaDeploymentNames.ProvidedAl2023Runtime} that the Native AOT " +
                "bootstrap runs on (nor on container images): it needs a managed runtime such as dotnet10.");
            if (settings.EphemeralStorageMb > LambdaLimits.MaxSnapStartEphemeralStorageMb)
            {
                refusals.Add($"SnapStart supports at most {ByteSize.FormatMb(LambdaLimits.MaxSnapStartEphemeralStorageMb)} of ephemeral storage; " +
                    $"{ByteSize.FormatMb(settings.EphemeralStorageMb)} exceeds it by {ByteSize.FormatMb(settings.EphemeralStorageMb - LambdaLimits.MaxSnapStartEphemeralStorageMb)}.");
            }

            if (options.ProvisionedConcurrency is not null)
            {
                refusals.Add("SnapStart does not support provisioned concurrency.");
            }
        }

        if (options.ProvisionedConcurrency is { } provisioned && settings.ReservedConcurrency is { } reserved && provisioned > reserved)
        {
            refusals.Add($"Provisioned concurrency {provisioned} exceeds the reserved concurrency {reserved} by {provisioned - reserved}.");
        }

        var environmentBytes = environment.Sum(kv => Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value));
        if (environmentBytes > LambdaLimits.MaxEnvironmentBytes)
        {
            refusals.Add($"The environment variables take {environmentBytes:N0} bytes; Lambda allows {LambdaLimits.MaxEnvironmentBytes:N0}, " +
                $"exceeded by {environmentBytes - LambdaLimits.MaxEnvironmentBytes:N0}.");
        }

        return refusals;
    }

    /// <summary>What is wrong with the package: larger than its type allows, or a model that does not fit in memory.</summary>
    public static List<string> PackageRefusals(LambdaFunctionSettings settings, PackagePlan plan, ModelFootprint? model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(plan);
        var refusals = new List<string>();
        if (plan.TotalBytes > plan.LimitBytes)
        {
            refusals.Add($"The package ({ByteSize.Format(plan.TotalBytes)}: model {ByteSize.Format(plan.BytesOf(PackageLayer.Model))}) exceeds " +
                $"Lambda's {(plan.Kind == PackageKind.Zip ? "Zip unzipped" : "container image")} limit of {ByteSize.Format(plan.LimitBytes)} " +
                $"by {ByteSize.Format(plan.TotalBytes - plan.LimitBytes)}.");
        }

        if (model is not null)
        {
            var residentMb = ByteSize.CeilingMb(model.ResidentBytes);
            if (residentMb > settings.MemorySize)
            {
                var hint = residentMb > LambdaLimits.MaxMemoryMb
                    ? $" Lambda's largest memory size is {ByteSize.FormatMb(LambdaLimits.MaxMemoryMb)}: this model cannot run on Lambda."
                    : $" Set WithMemorySize({Math.Max(residentMb, LambdaLimits.MinMemoryMb)}) or more.";
                refusals.Add($"Memory {ByteSize.FormatMb(settings.MemorySize)} is below the model's estimated resident size " +
                    $"{ByteSize.FormatMb(residentMb)} ({model.Breakdown}) by {ByteSize.FormatMb(residentMb - settings.MemorySize)}.{hint}");
            }
        }

        return refusals;
    }
}
