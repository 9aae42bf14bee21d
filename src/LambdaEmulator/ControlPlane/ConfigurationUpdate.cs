using LlamaAspire.LambdaContracts;
using LlamaAspire.LambdaContracts.Functions;
using LlamaAspire.LambdaEmulator.Configuration;

namespace LlamaAspire.LambdaEmulator.ControlPlane;

/// <summary>
/// UpdateFunctionConfiguration's request checked as Lambda checks it — the same constraint messages — and applied to a copy of
/// the settings. Members the emulator cannot honour (Role, Layers, VpcConfig, …) are refused by name rather than ignored.
/// </summary>
public static class ConfigurationUpdate
{
    /// <summary>The problems of <paramref name="request"/>, in Lambda's words; empty when it can be applied.</summary>
    public static IReadOnlyList<string> Validate(UpdateFunctionConfigurationRequest request)
    {
        var errors = new List<string>();
        if (request.MemorySize is < LambdaLimits.MinMemoryMb or > LambdaLimits.MaxMemoryMb)
        {
            errors.Add($"Value '{request.MemorySize}' at 'memorySize' failed to satisfy constraint: Member must have value between {LambdaLimits.MinMemoryMb} and {LambdaLimits.MaxMemoryMb}");
        }

        if (request.Timeout is < 1 or > LambdaLimits.MaxTimeoutSeconds)
        {
            errors.Add($"Value '{request.Timeout}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and {LambdaLimits.MaxTimeoutSeconds}");
        }

        if (request.Environment?.Variables is { } variables)
        {
            var reserved = variables.Keys.Where(LambdaEnvironmentVariables.Reserved.Contains).Order(StringComparer.Ordinal).ToList();
            if (reserved.Count > 0)
            {
                errors.Add("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: "
                    + string.Join(", ", reserved));
            }
        }

        if (request.SnapStart is { } snapStart && snapStart.ApplyOn is not (FunctionsApi.SnapStartApplyOn.PublishedVersions or FunctionsApi.SnapStartApplyOn.None))
        {
            errors.Add($"Value '{snapStart.ApplyOn}' at 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set: [{FunctionsApi.SnapStartApplyOn.PublishedVersions}, {FunctionsApi.SnapStartApplyOn.None}]");
        }

        if (request.EphemeralStorage is not null)
        {
            errors.Add("EphemeralStorage is not emulated: /tmp is the host's. Remove it from the request.");
        }

        foreach (var name in (request.Unsupported ?? []).Keys.Order(StringComparer.Ordinal))
        {
            errors.Add($"{name} cannot be updated on the emulator; supported: MemorySize, Timeout, Environment, Description, SnapStart, RevisionId.");
        }

        return errors;
    }

    /// <summary>Applies a valid request to the settings copy.</summary>
    public static void Apply(UpdateFunctionConfigurationRequest request, FunctionOptions options)
    {
        if (request.MemorySize is { } memory)
        {
            options.MemorySize = memory;
        }

        if (request.Timeout is { } timeout)
        {
            options.Timeout = timeout;
        }

        if (request.Description is { } description)
        {
            options.Description = description;
        }

        if (request.SnapStart is { } snapStart)
        {
            options.SnapStart = snapStart.ApplyOn == FunctionsApi.SnapStartApplyOn.PublishedVersions;
        }

        if (request.Environment is { } environment)
        {
            // As on Lambda, the request's variables replace all of them.
            options.Environment = new Dictionary<string, string>(environment.Variables ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        }
    }
}
