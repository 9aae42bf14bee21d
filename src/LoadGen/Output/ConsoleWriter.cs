using Spectre.Console;

namespace LlamaAspire.LoadGen.Output;

/// <summary>The tables on the console (Spectre.Console).</summary>
public static class ConsoleWriter
{
    /// <summary>Writes each table, figures right-aligned.</summary>
    public static void Write(IAnsiConsole console, IReadOnlyList<FigureTable> tables)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var figures in tables)
        {
            var table = new Table().Title(Markup.Escape(figures.Title)).Border(TableBorder.Rounded);
            for (var i = 0; i < figures.Columns.Count; i++)
            {
                var column = new TableColumn(Markup.Escape(figures.Columns[i]));
                table.AddColumn(i == 0 ? column : column.RightAligned());
            }

            foreach (var row in figures.Rows)
            {
                table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
            }

            console.Write(table);
        }
    }
}
