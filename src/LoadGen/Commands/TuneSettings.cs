using System.ComponentModel;
using System.Globalization;
using LlamaAspire.LambdaContracts;
using LlamaAspire.LoadGen.Tuning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>tune</c>: the memory sizes, invokes per size, and what to optimise.</summary>
public sealed class TuneSettings : TargetSettings
{
    /// <summary>Comma-separated memory sizes, MB.</summary>
    [CommandOption("-m|--memory <MB_LIST>")]
    [Description("Memory sizes to sweep, MB, comma-separated. Default: 1024, the one-vCPU size (LambdaLimits.MbPerVcpu), 3008, 5308, 10240")]
    public string? Memory { get; init; }

    /// <summary>Invokes per size.</summary>
    [CommandOption("-n|--invocations <N>")]
    [Description("Invokes per memory size (count bound)")]
    [DefaultValue(10)]
    public int Invocations { get; init; } = 10;

    /// <summary>Force every invoke cold.</summary>
    [CommandOption("--cold-only")]
    [Description("Force every invoke cold (UpdateFunctionConfiguration of an environment variable before each) and compare cold p50")]
    public bool ColdOnly { get; init; }

    /// <summary>cost, speed or balanced.</summary>
    [CommandOption("-s|--strategy <STRATEGY>")]
    [Description("cost | speed | balanced")]
    [DefaultValue(TuneStrategy.Balanced)]
    public TuneStrategy Strategy { get; init; } = TuneStrategy.Balanced;

    /// <summary>Balanced's weight on cost.</summary>
    [CommandOption("-w|--weight <0..1>")]
    [Description("balanced: weight on cost (0 = speed only, 1 = cost only)")]
    [DefaultValue(0.5)]
    public double Weight { get; init; } = 0.5;

    /// <summary>The time bound.</summary>
    [CommandOption("-d|--duration <SECONDS>")]
    [Description("Start no memory size after this many seconds (time bound)")]
    [DefaultValue(1800.0)]
    public double DurationSeconds { get; init; } = 1800;

    /// <summary>How long an update may take.</summary>
    [CommandOption("--update-timeout <SECONDS>")]
    [Description("How long a configuration update may stay InProgress")]
    [DefaultValue(60)]
    public int UpdateTimeoutSeconds { get; init; } = 60;

    /// <summary>The sizes to sweep.</summary>
    public IReadOnlyList<int> MemorySizes => Memory is null
        ? MemorySweep.DefaultMemorySizes
        : Memory.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => int.Parse(m, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        IReadOnlyList<int> sizes;
        try
        {
            sizes = MemorySizes;
        }
        catch (FormatException)
        {
            return ValidationResult.Error($"--memory '{Memory}' is not a comma-separated list of MB values.");
        }

        if (sizes.Count == 0 || sizes.Any(m => m is < LambdaLimits.MinMemoryMb or > LambdaLimits.MaxMemoryMb))
        {
            return ValidationResult.Error($"--memory values must be {LambdaLimits.MinMemoryMb}–{LambdaLimits.MaxMemoryMb} MB.");
        }

        if (Invocations < 1 || DurationSeconds <= 0 || UpdateTimeoutSeconds < 1 || Weight is < 0 or > 1)
        {
            return ValidationResult.Error("--invocations, --duration and --update-timeout must be positive; --weight between 0 and 1.");
        }

        return base.Validate();
    }
}
