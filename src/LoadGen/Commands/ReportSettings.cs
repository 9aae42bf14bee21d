using System.ComponentModel;
using LlamaAspire.LoadGen.Output;
using LlamaAspire.LoadGen.Thresholds;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaAspire.LoadGen.Commands;

/// <summary><c>report</c>: a saved results.json (or the directory holding it) to render again.</summary>
public sealed class ReportSettings : CommandSettings
{
    /// <summary>results.json or its directory.</summary>
    [CommandArgument(0, "<RESULTS>")]
    [Description("results.json, or the --out directory that holds it")]
    public string Results { get; init; } = "";

    /// <summary>Where to write summary.md again.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Write results.json, summary.md, the charts and report.html here")]
    public string? Out { get; init; }

    /// <summary>Criteria to check against the saved figures.</summary>
    [CommandOption("-t|--threshold <EXPR>")]
    [Description("Fail (exit 1) unless this holds on the saved figures, e.g. cold.p99<3000; repeatable")]
    public string[] Thresholds { get; init; } = [];

    /// <summary>The results file.</summary>
    public string ResultsFile => ResolveResults(Results);

    /// <summary>A results.json path, or the results.json inside a directory.</summary>
    public static string ResolveResults(string path) => Directory.Exists(path) ? Path.Combine(path, ResultsJson.FileName) : path;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (!File.Exists(ResultsFile))
        {
            return ValidationResult.Error($"'{Results}' is not a results.json (nor a directory with one).");
        }

        try
        {
            _ = Thresholds.Select(Threshold.Parse).ToList();
        }
        catch (FormatException ex)
        {
            return ValidationResult.Error(ex.Message);
        }

        return ValidationResult.Success();
    }
}
