using System.Globalization;
using Chatire.Core;

namespace Chatire.Import;

/// <summary>A source row that was not imported, and why.</summary>
public sealed record SkippedRow(string Table, string Row, string Reason);

/// <summary>A row imported as it was although today's rules would refuse it.</summary>
public sealed record ImportWarning(string Table, string Row, string Text);

/// <summary>What an import did (or, in a dry run, would do).</summary>
public sealed class ImportReport
{
    public int Users { get; set; }
    public int Chats { get; set; }

    /// <summary>Members written, the chat owners (added as first members) included.</summary>
    public int Members { get; set; }
    public long Messages { get; set; }
    public int Tokens { get; set; }

    /// <summary>DRF tokens left out because of <c>--tokens drop</c>.</summary>
    public int TokensDropped { get; set; }
    public DateTimeOffset? TokensExpire { get; set; }
    public List<string> Notes { get; } = [];
    public List<SkippedRow> Skipped { get; } = [];
    public List<ImportWarning> Warnings { get; } = [];

    public void Skip(string table, string row, string reason) => Skipped.Add(new SkippedRow(table, row, reason));

    public void Warn(string table, string row, string text) => Warnings.Add(new ImportWarning(table, row, text));

    /// <summary>The report as lines of text: counts, then every skipped row, then every warning.</summary>
    public IEnumerable<string> Lines()
    {
        var culture = CultureInfo.InvariantCulture;
        yield return string.Create(culture, $"users:    {Users}");
        yield return string.Create(culture, $"chats:    {Chats}");
        yield return string.Create(culture, $"members:  {Members} (each chat's owner first)");
        yield return string.Create(culture, $"messages: {Messages}");
        yield return TokensDropped > 0
            ? string.Create(culture, $"tokens:   0 ({TokensDropped} dropped by --tokens drop)")
            : TokensExpire is { } expires && Tokens > 0
                ? string.Create(culture, $"tokens:   {Tokens} (valid until {Timestamps.ToText(expires)})")
                : string.Create(culture, $"tokens:   {Tokens}");
        foreach (var note in Notes)
        {
            yield return $"note: {note}";
        }

        yield return string.Create(culture, $"skipped:  {Skipped.Count} row(s)");
        foreach (var row in Skipped)
        {
            yield return $"  skipped {row.Table} {row.Row}: {row.Reason}";
        }

        yield return string.Create(culture, $"warnings: {Warnings.Count}");
        foreach (var warning in Warnings)
        {
            yield return $"  warning {warning.Table} {warning.Row}: {warning.Text}";
        }
    }
}
