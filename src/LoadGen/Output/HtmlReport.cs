using System.Globalization;
using System.Net;
using System.Text;

namespace LlamaAspire.LoadGen.Output;

/// <summary>report.html: one self-contained page — the run's header, the tables and the SVG charts inline, no external files.</summary>
public static class HtmlReport
{
    /// <summary>The file name under <c>--out</c>.</summary>
    public const string FileName = "report.html";

    /// <summary>The page for a document's tables, notes and chart files (their SVG is copied in).</summary>
    public static string Render(ResultsDocument document, IReadOnlyList<FigureTable> tables, IEnumerable<string> notes, IEnumerable<string> svgFiles)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(tables);
        var html = new StringBuilder();
        var title = $"LoadGen: {document.Command} — {document.Function}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}")
            .Append("th,td{border:1px solid #ccc;padding:.3rem .6rem}td:not(:first-child),th:not(:first-child){text-align:right}")
            .Append("th{background:#f3f3f3}figure{margin:1.5rem 0}svg{max-width:100%;height:auto}")
            .Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n<ul>");
        Item(html, "target", document.Target);
        Item(html, "started", document.StartedAt.ToString("u", CultureInfo.InvariantCulture));
        Item(html, "priced as", $"{document.Architecture}, ${document.Prices.PerRequest * 1_000_000m} per 1M requests, ${document.Prices.PerGbSecond(document.Architecture)} per GB-s");
        if (document.Interrupted)
        {
            Item(html, "interrupted", "the figures cover what was measured before the stop");
        }

        html.Append("</ul>\n");
        foreach (var table in tables)
        {
            html.Append("<h2>").Append(E(table.Title)).Append("</h2>\n<table><thead><tr>");
            foreach (var column in table.Columns)
            {
                html.Append("<th>").Append(E(column)).Append("</th>");
            }

            html.Append("</tr></thead><tbody>\n");
            foreach (var row in table.Rows)
            {
                html.Append("<tr>");
                foreach (var cell in row)
                {
                    html.Append("<td>").Append(E(cell)).Append("</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        foreach (var note in notes)
        {
            html.Append("<p>").Append(E(note)).Append("</p>\n");
        }

        foreach (var svg in svgFiles)
        {
            var text = File.ReadAllText(svg);
            // Inline: drop the XML declaration, keep the <svg> element.
            var start = text.IndexOf("<svg", StringComparison.Ordinal);
            html.Append("<figure>").Append(start >= 0 ? text[start..] : text).Append("<figcaption>")
                .Append(E(Path.GetFileNameWithoutExtension(svg))).Append("</figcaption></figure>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }

    private static void Item(StringBuilder html, string name, string value) =>
        html.Append("<li><b>").Append(E(name)).Append(":</b> ").Append(E(value)).Append("</li>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
