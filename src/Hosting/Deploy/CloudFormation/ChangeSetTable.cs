using System.Text;

namespace LlamaAspire.Hosting.Deploy.CloudFormation;

/// <summary>A change set as the table a deploy prints before asking to execute it (as SAM CLI does).</summary>
internal static class ChangeSetTable
{
    private static readonly string[] s_headings = ["Operation", "LogicalResourceId", "ResourceType", "Replacement"];

    public static string Format(IReadOnlyList<StackChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var rows = changes.Select(c => new[] { Operation(c.Action), c.LogicalId, c.ResourceType, c.Replacement.Length == 0 ? "N/A" : c.Replacement }).ToList();
        var widths = Enumerable.Range(0, s_headings.Length).Select(i => rows.Select(r => r[i].Length).Append(s_headings[i].Length).Max()).ToArray();
        var table = new StringBuilder();
        void Row(string[] cells) => table.AppendJoin("  ", cells.Select((cell, i) => cell.PadRight(widths[i]))).Append('\n');
        Row(s_headings);
        Row(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in rows)
        {
            Row(row);
        }

        return table.ToString();
    }

    private static string Operation(string action) => action switch
    {
        "Add" => "+ Add",
        "Modify" => "* Modify",
        "Remove" => "- Delete",
        _ => action,
    };
}
