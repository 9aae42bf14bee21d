using System.Text;

namespace LlamaAspire.LoadGen.Output;

/// <summary>summary.md: the run's header and the same tables as the console, as GitHub Markdown.</summary>
public static class MarkdownWriter
{
    /// <summary>The file name under <c>--out</c>.</summary>
    public const string FileName = "summary.md";

    /// <summary>The Markdown text of a results document's tables.</summary>
    public static string Render(ResultsDocument document, IReadOnlyList<FigureTable> tables, IEnumerable<string> notes)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(tables);
        var md = new StringBuilder();
        md.Append("# LoadGen: ").AppendLine(document.Command).AppendLine();
        md.Append("- target: ").AppendLine(document.Target);
        md.Append("- function: `").Append(document.Function).AppendLine("`");
        md.Append("- started: ").AppendLine(document.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        md.Append("- priced as: ").Append(document.Architecture)
            .Append(System.Globalization.CultureInfo.InvariantCulture, $", ${document.Prices.PerRequest * 1_000_000m} per 1M requests, ${document.Prices.PerGbSecond(document.Architecture)} per GB-s").AppendLine();
        if (document.Interrupted)
        {
            md.AppendLine("- **interrupted**: the figures cover what was measured before the stop");
        }

        foreach (var table in tables)
        {
            md.AppendLine().Append("## ").AppendLine(table.Title).AppendLine();
            md.Append("| ").AppendJoin(" | ", table.Columns.Select(Escape)).AppendLine(" |");
            md.Append('|').AppendJoin('|', table.Columns.Select((_, i) => i == 0 ? " --- " : " ---: ")).AppendLine("|");
            foreach (var row in table.Rows)
            {
                md.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
            }
        }

        var noteList = notes.ToList();
        if (noteList.Count > 0)
        {
            md.AppendLine();
            foreach (var note in noteList)
            {
                md.Append("- ").AppendLine(note);
            }
        }

        return md.ToString();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
