namespace LlamaAspire.LoadGen.Output;

/// <summary>A table of figures as text, rendered by the console and the Markdown writers alike: rows are figures, columns variants.</summary>
public sealed record FigureTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
