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

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Count < 1 || DurationSeconds <= 0 ? ValidationResult.Error("--count and --duration must be positive.") : base.Validate();
}
