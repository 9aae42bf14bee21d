using Microsoft.Extensions.Options;

namespace LlamaAspire.LambdaEmulator.Configuration;

/// <summary>Startup validation; every message names the configuration key at fault.</summary>
public sealed class LambdaEmulatorOptionsValidator : IValidateOptions<LambdaEmulatorOptions>
{
    private const string P = LambdaEmulatorOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LambdaEmulatorOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Region))
        {
            errors.Add($"{P}:Region must not be empty.");
        }

        if (options.AccountId.Length != 12 || !options.AccountId.All(char.IsAsciiDigit))
        {
            errors.Add($"{P}:AccountId must be 12 digits (was '{options.AccountId}').");
        }

        if (options.AccountConcurrency < 1)
        {
            errors.Add($"{P}:AccountConcurrency must be at least 1 (was {options.AccountConcurrency}).");
        }

        if (options.InitTimeout <= 0 || options.InitTimeout > 900)
        {
            errors.Add($"{P}:InitTimeout must be between 0 and 900 seconds (was {options.InitTimeout}).");
        }

        if (options.EventRetryDelay < 0)
        {
            errors.Add($"{P}:EventRetryDelay must not be negative (was {options.EventRetryDelay}).");
        }

        if (options.ShutdownGracePeriod < 0)
        {
            errors.Add($"{P}:ShutdownGracePeriod must not be negative (was {options.ShutdownGracePeriod}).");
        }

        foreach (var (fn, f) in options.Functions)
        {
            var k = $"{P}:Functions:{fn}";
            if (fn.Length is 0 or > 64 || !fn.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                errors.Add($"{k}: function names are 1–64 letters, digits, '-' or '_'.");
            }

            if (f is null)
            {
                errors.Add($"{k}:Command is required.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(f.Command))
            {
                errors.Add($"{k}:Command is required (an executable such as a published bootstrap, or dotnet).");
            }

            if (f.MemorySize is < 128 or > 10240)
            {
                errors.Add($"{k}:MemorySize must be between 128 and 10240 MB (was {f.MemorySize}).");
            }

            if (f.Timeout is < 1 or > 900)
            {
                errors.Add($"{k}:Timeout must be between 1 and 900 seconds (was {f.Timeout}).");
            }

            if (f.ReservedConcurrency is < 0)
            {
                errors.Add($"{k}:ReservedConcurrency must not be negative (was {f.ReservedConcurrency}).");
            }

            if (f.ProvisionedConcurrency < 0)
            {
                errors.Add($"{k}:ProvisionedConcurrency must not be negative (was {f.ProvisionedConcurrency}).");
            }
            else if (f.ReservedConcurrency is { } reserved && f.ProvisionedConcurrency > reserved)
            {
                errors.Add($"{k}:ProvisionedConcurrency ({f.ProvisionedConcurrency}) must not exceed ReservedConcurrency ({reserved}).");
            }

            if (f.SnapStart && f.ProvisionedConcurrency > 0)
            {
                // As Lambda (and the publish step): SnapStart does not support provisioned concurrency.
                errors.Add($"{k}:SnapStart does not support provisioned concurrency (ProvisionedConcurrency was {f.ProvisionedConcurrency}).");
            }

            if (f.IdleTimeout < 1)
            {
                errors.Add($"{k}:IdleTimeout must be at least 1 second (was {f.IdleTimeout}).");
            }

            if (f.WorkingDirectory is { Length: > 0 } wd && !Directory.Exists(wd))
            {
                errors.Add($"{k}:WorkingDirectory '{wd}' does not exist.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
