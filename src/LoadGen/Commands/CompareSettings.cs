using System.ComponentModel;
using LlamaAspire.LoadGen.Comparing;
using LlamaAspire.LoadGen.Cost;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>compare</c>: the variants, how each is measured, and the figures the estimates and the crossover assume.</summary>
public sealed class CompareSettings : TargetSettings
{
    /// <summary>The variants, the first the baseline.</summary>
    [CommandOption("--variant <FUNCTION@MB+NAME=VALUE>")]
    [Description("A variant: a function, optionally at a memory size (llama-jit@10240) and with variables set (+NAME=VALUE; +NAME=@other takes other's value), all through UpdateFunctionConfiguration and restored after; repeatable, the first is the baseline. Default: --function alone if given, else the ladder over the AppHost's functions: llama-vanilla, llama-vanilla@10240, llama-jit@10240, llama-jit@10240+MODEL_DIR=@llama-aot, llama-aot@10240")]
    public string[] Variants { get; init; } = [];

    /// <summary>Forced cold starts per variant.</summary>
    [CommandOption("-k|--cold <K>")]
    [Description("Forced cold starts per variant (UpdateFunctionConfiguration of an environment variable before each)")]
    [DefaultValue(5)]
    public int ColdStarts { get; init; } = 5;

    /// <summary>Warm invokes per variant.</summary>
    [CommandOption("-n|--warm <N>")]
    [Description("Warm invokes per variant, one at a time after its cold starts")]
    [DefaultValue(10)]
    public int WarmInvokes { get; init; } = 10;

    /// <summary>The time bound.</summary>
    [CommandOption("-d|--duration <SECONDS>")]
    [Description("Start nothing after this many seconds (time bound)")]
    [DefaultValue(3600.0)]
    public double DurationSeconds { get; init; } = 3600;

    /// <summary>How long an update may take.</summary>
    [CommandOption("--update-timeout <SECONDS>")]
    [Description("How long a configuration update may stay InProgress")]
    [DefaultValue(60)]
    public int UpdateTimeoutSeconds { get; init; } = 60;

    /// <summary>Lambda-to-S3 throughput for the download estimate.</summary>
    [CommandOption("--s3-throughput <MB_PER_S>")]
    [Description("Lambda-to-S3 throughput the model download estimate assumes, MB/s (loopback S3 is faster than Lambda's network)")]
    [DefaultValue(90.0)]
    public double S3MegabytesPerSecond { get; init; } = 90;

    /// <summary>The downloaded model's size.</summary>
    [CommandOption("--model-mb <MB>")]
    [Description("Size of the model the S3 variant downloads, MB: the download estimate is this ÷ --s3-throughput")]
    public double? ModelMegabytes { get; init; }

    /// <summary>Provisioned concurrency priced beside on-demand.</summary>
    [CommandOption("--provisioned <N>")]
    [Description("Price N provisioned-concurrency environments (allocated + duration prices) beside on-demand and the container")]
    [DefaultValue(0)]
    public int Provisioned { get; init; }

    /// <summary>The variants to measure.</summary>
    public IReadOnlyList<CompareVariant> ParsedVariants =>
        Variants.Length > 0 ? Variants.Select(CompareVariant.Parse).ToList()
        : Function is not null ? [CompareVariant.Parse(Function)]
        : CompareVariant.Defaults;

    /// <inheritdoc />
    protected override bool RequiresFunction => false;

    /// <inheritdoc />
    protected override bool AllowsUrl => false;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        try
        {
            _ = ParsedVariants;
        }
        catch (FormatException ex)
        {
            return ValidationResult.Error(ex.Message);
        }

        return ColdStarts < 0 || WarmInvokes < 0 || ColdStarts + WarmInvokes == 0 || DurationSeconds <= 0 || UpdateTimeoutSeconds < 1
            ? ValidationResult.Error("--cold and --warm must not be negative nor both 0; --duration and --update-timeout must be positive.")
            : S3MegabytesPerSecond <= 0 || ModelMegabytes <= 0 || Provisioned < 0
                ? ValidationResult.Error("--s3-throughput and --model-mb must be positive; --provisioned not negative.")
                : base.Validate();
    }
}
