using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>cold</c>: how many cold starts, within how long, forced how.</summary>
public sealed class ColdSettings : TargetSettings
{
    /// <summary>The count bound.</summary>
    [CommandOption("-k|--count <K>")]
    [Description("Cold starts to force (count bound)")]
    [DefaultValue(10)]
    public int Count { get; init; } = 10;

    /// <summary>The time bound.</summary>
    [CommandOption("-d|--duration <SECONDS>")]
    [Description("Start no cold start after this many seconds (time bound)")]
    [DefaultValue(600.0)]
    public double DurationSeconds { get; init; } = 600;

    /// <summary>How to force each cold start.</summary>
    [CommandOption("--method <METHOD>")]
    [Description("config: UpdateFunctionConfiguration changing an environment variable, then wait until Successful (lambda-perf's method; the same call on AWS) | recycle: the emulator's recycle command")]
    [DefaultValue("config")]
    public string Method { get; init; } = "config";

    /// <summary>How long an update may take to come into effect.</summary>
    [CommandOption("--update-timeout <SECONDS>")]
    [Description("How long a configuration update may stay InProgress")]
    [DefaultValue(60)]
    public int UpdateTimeoutSeconds { get; init; } = 60;

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Count < 1 || DurationSeconds <= 0 || UpdateTimeoutSeconds < 1 ? ValidationResult.Error("--count, --duration and --update-timeout must be positive.")
        : Method is not ("config" or "recycle") ? ValidationResult.Error($"--method must be config or recycle (got '{Method}').")
        : Method == "recycle" && IsAws ? ValidationResult.Error("--method recycle is the emulator's command; on AWS cold starts are forced with --method config.")
        : base.Validate();
}
