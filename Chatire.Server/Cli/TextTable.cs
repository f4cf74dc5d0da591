using System.Text;

namespace Chatire.Cli;

/// <summary>A plain left-aligned table for terminal output.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [headers];

    public void Add(params string[] cells) => _rows.Add(cells);

    public string Render()
    {
        var widths = Enumerable.Range(0, headers.Length).Select(i => _rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
