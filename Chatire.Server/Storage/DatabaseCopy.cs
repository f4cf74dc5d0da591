using System.Data.Common;

namespace Chatire.Storage;

/// <summary>
/// Copies every account, token, chat, member (with read marker), message and message change — with their
/// ids, password hashes and token hashes — from one database into an empty one, SQLite or PostgreSQL either way. The whole copy is one
/// transaction on the target: it is complete or the target is left as it was. Transient cluster
/// state (failed logins, live nodes, presence) is not copied.
/// </summary>
public static class DatabaseCopy
{
    /// <summary>The tables in the order their foreign keys need, with the columns copied; the first column is
    /// the key rows are paged by.</summary>
    public static readonly IReadOnlyList<(string Table, string[] Columns)> Tables =
    [
        ("users", ["id", "username", "username_key", "email", "first_name", "last_name", "password", "is_active", "is_staff", "date_joined", "last_login"]),
        ("tokens", ["id", "hash", "kind", "user_id", "family", "label", "created", "expires", "family_expires", "revoked"]),
        ("chats", ["id", "uri", "owner_id", "created", "last_activity", "name"]),
        ("members", ["id", "chat_id", "user_id", "joined", "last_read"]),
        ("messages", ["id", "chat_id", "user_id", "message", "created", "client_id", "edited", "deleted"]),
        ("message_changes", ["seq", "chat_id", "message_id", "kind", "at"]),
    ];

    private const int Page = 2000;

    /// <summary>Rows copied per table.</summary>
    public sealed record Report(IReadOnlyList<(string Table, long Rows)> Tables);

    /// <param name="progress">Called as rows are copied: table, rows of it copied so far, rows it has.</param>
    /// <exception cref="DatabaseException">The target is not empty, or a row could not be copied.</exception>
    public static async Task<Report> CopyAsync(Database source, Database target, Action<string, long, long>? progress = null)
    {
        var totals = source.Read(c => Tables.Select(t => Database.Scalar<long>(c, $"SELECT COUNT(*) FROM {t.Table}")).ToList());
        var existing = target.Read(c => Tables.Sum(t => Database.Scalar<long>(c, $"SELECT COUNT(*) FROM {t.Table}")));
        if (existing > 0)
        {
            throw new DatabaseException($"The target {target.Display} already holds data ({existing} rows); db copy only fills an empty database.");
        }

        List<(string, long)> copied;
        try
        {
            copied = await target.WriteAsync(c => CopyAll(source, target.Dialect, c, totals, progress)).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new DatabaseException($"The copy failed and the target was left unchanged: {ex.Message}", ex);
        }

        return new Report(copied);
    }

    private static List<(string, long)> CopyAll(Database source, SqlDialect dialect, DbConnection target, List<long> totals, Action<string, long, long>? progress)
    {
        var counts = new List<(string, long)>();
        for (var i = 0; i < Tables.Count; i++)
        {
            counts.Add((Tables[i].Table, CopyTable(source, target, Tables[i].Table, Tables[i].Columns, totals[i], progress)));
        }

        if (dialect.ResetIdentitySql is { } reset)
        {
            foreach (var (table, _) in Tables.Where(t => t.Columns[0] == "id"))
            {
                Database.Execute(target, string.Format(System.Globalization.CultureInfo.InvariantCulture, reset, table));
            }
        }

        // Changes take their seq from the message id sequence: it must stay past the copied seqs too.
        Database.Execute(target, dialect.RaiseSequenceSql);
        return counts;
    }

    private static long CopyTable(Database source, DbConnection target, string table, string[] columns, long total, Action<string, long, long>? progress)
    {
        var list = string.Join(", ", columns);
        var select = $"SELECT {list} FROM {table} WHERE {columns[0]} > @after ORDER BY {columns[0]} LIMIT {Page}";
        var insert = $"INSERT INTO {table} ({list}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))})";
        long after = 0;
        long rows = 0;
        progress?.Invoke(table, 0, total);
        while (true)
        {
            var page = source.Read(c =>
            {
                var command = Database.Command(c, select, ("@after", after));
                using var reader = command.ExecuteReader();
                var values = new List<object?[]>();
                while (reader.Read())
                {
                    var row = new object?[columns.Length];
                    for (var i = 0; i < columns.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    }

                    values.Add(row);
                }

                return values;
            });
            foreach (var row in page)
            {
                Database.Execute(target, insert, [.. columns.Select((name, i) => ("@" + name, row[i]))]);
            }

            rows += page.Count;
            progress?.Invoke(table, rows, total);
            if (page.Count < Page)
            {
                return rows;
            }

            after = (long)page[^1][0]!;
        }
    }
}
