using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>diff</c>: two saved result sets.</summary>
public sealed class DiffSettings : CommandSettings
{
    /// <summary>The baseline.</summary>
    [CommandArgument(0, "<BEFORE>")]
    [Description("The baseline: results.json or its directory")]
    public string Before { get; init; } = "";

    /// <summary>The comparison.</summary>
    [CommandArgument(1, "<AFTER>")]
    [Description("The one to compare: results.json or its directory")]
    public string After { get; init; } = "";

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        foreach (var path in (string[])[Before, After])
        {
            if (!File.Exists(ReportSettings.ResolveResults(path)))
            {
                return ValidationResult.Error($"'{path}' is not a results.json (nor a directory with one).");
            }
        }

        return ValidationResult.Success();
    }
}
