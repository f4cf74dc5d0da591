using Chatire.Core;
using Npgsql;

namespace Chatire.Storage;

/// <summary>
/// <c>db check</c> on PostgreSQL, read-only: the schema version, that every table is there, that no
/// row refers to a missing one, and that each id generator is ahead of its table's ids (a generator
/// behind its rows, as after a careless restore, makes new rows collide).
/// </summary>
public static class PostgresCheck
{
    private static readonly (string Sql, string Problem)[] Orphans =
    [
        ("SELECT COUNT(*) FROM tokens t LEFT JOIN users u ON u.id = t.user_id WHERE u.id IS NULL", "tokens refer to missing users"),
        ("SELECT COUNT(*) FROM chats c LEFT JOIN users u ON u.id = c.owner_id WHERE u.id IS NULL", "chats refer to missing owners"),
        ("SELECT COUNT(*) FROM members m LEFT JOIN chats c ON c.id = m.chat_id LEFT JOIN users u ON u.id = m.user_id WHERE c.id IS NULL OR u.id IS NULL", "members refer to missing chats or users"),
        ("SELECT COUNT(*) FROM messages m LEFT JOIN chats c ON c.id = m.chat_id LEFT JOIN users u ON u.id = m.user_id WHERE c.id IS NULL OR u.id IS NULL", "messages refer to missing chats or users"),
    ];

    public static DatabaseMaintenance.CheckReport Run(DatabaseLocation location)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        int? version = null;
        try
        {
            using var connection = new NpgsqlConnection(location.ConnectionString);
            connection.Open();
            var hasSchema = Database.Scalar<long>(connection, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'chatire_schema' AND table_schema = current_schema()") > 0;
            version = hasSchema ? (int)Database.Scalar<long>(connection, SqlDialect.Postgres.CurrentVersionSql) : 0;
            if (version > 0)
            {
                foreach (var (table, _) in DatabaseCopy.Tables)
                {
                    if (Database.Scalar<long>(connection, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @t AND table_schema = current_schema()", ("@t", table)) == 0)
                    {
                        problems.Add($"the table {table} is missing");
                    }
                }

                if (problems.Count == 0)
                {
                    foreach (var (sql, problem) in Orphans)
                    {
                        if (Database.Scalar<long>(connection, sql) is var count and > 0)
                        {
                            problems.Add($"foreign key: {count} {problem}");
                        }
                    }

                    foreach (var (table, _) in DatabaseCopy.Tables.Where(t => t.Columns[0] == "id"))
                    {
                        // Message changes take their seq from the messages generator too.
                        var max = Database.Scalar<long>(connection, table == "messages"
                            ? "SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM messages), (SELECT COALESCE(MAX(seq), 0) FROM message_changes))"
                            : $"SELECT COALESCE(MAX(id), 0) FROM {table}");
                        var next = Database.Scalar<long>(connection, $"SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {SequenceOf(connection, table)}");
                        if (next <= max)
                        {
                            problems.Add($"the id generator of {table} would hand out {next}, but ids go up to {max}");
                        }
                    }
                }
            }
        }
        catch (NpgsqlException ex)
        {
            problems.Add($"cannot be read: {ex.Message}");
            return new DatabaseMaintenance.CheckReport(location.Display, version, problems, notes);
        }

        DatabaseMaintenance.CompareVersion(version, problems, notes);
        return new DatabaseMaintenance.CheckReport(location.Display, version, problems, notes);
    }

    private static string SequenceOf(NpgsqlConnection connection, string table) =>
        Database.Scalar<string>(connection, "SELECT pg_get_serial_sequence(@t, 'id')", ("@t", table));
}
