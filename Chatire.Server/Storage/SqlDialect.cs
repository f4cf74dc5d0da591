using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Chatire.Storage;

/// <summary>
/// What differs between SQLite and PostgreSQL, in one place: the schema scripts, where the schema
/// version is kept, and the statements only one engine needs. The stores' SQL is otherwise shared
/// (named <c>@parameters</c>, <c>ON CONFLICT</c>, <c>RETURNING</c>: both engines read it alike).
/// </summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new()
    {
        Name = "SQLite",
        Scripts = Migrations.Scripts,
        BeginSql = "BEGIN IMMEDIATE",
        CurrentVersionSql = "PRAGMA user_version",
        SetVersionSql = version => $"PRAGMA user_version = {version}",

        // AUTOINCREMENT takes the next id above both this counter and the largest id, so moving the
        // counter on hands out a number no message will ever get.
        NextSequenceSql = """
            UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(id), 0) FROM messages)) + 1
            WHERE name = 'messages' RETURNING seq
            """,
        RaiseSequenceSql = "UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(seq), 0) FROM message_changes)) WHERE name = 'messages'",
    };

    public static readonly SqlDialect Postgres = new()
    {
        Name = "PostgreSQL",
        Scripts = Migrations.PostgresScripts,
        BeginSql = "BEGIN",
        PrepareVersionSql = "CREATE TABLE IF NOT EXISTS chatire_schema (version BIGINT NOT NULL)",
        CurrentVersionSql = "SELECT COALESCE(MAX(version), 0) FROM chatire_schema",
        SetVersionSql = version => $"DELETE FROM chatire_schema; INSERT INTO chatire_schema (version) VALUES ({version})",

        // Nodes starting together migrate one at a time (a transaction-scoped advisory lock).
        MigrationLockSql = "SELECT pg_advisory_xact_lock(7202604140001)",

        // Messages of one chat are stored one transaction at a time, so their ids are taken and
        // committed in the same order, and notifications (sent at commit) arrive in id order.
        LockChatSql = "SELECT id FROM chats WHERE id = @chat FOR NO KEY UPDATE",

        NextSequenceSql = "SELECT nextval(pg_get_serial_sequence('messages', 'id'))",
        RaiseSequenceSql = """
            SELECT setval(pg_get_serial_sequence('messages', 'id'),
                GREATEST((SELECT COALESCE(MAX(id), 0) FROM messages), (SELECT COALESCE(MAX(seq), 0) FROM message_changes)) + 1, false)
            """,
        ResetIdentitySql = "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
    };

    private SqlDialect()
    {
    }

    public required string Name { get; init; }

    /// <summary>The schema, one script per version (version N is reached by script N-1).</summary>
    public required IReadOnlyList<string> Scripts { get; init; }

    /// <summary>Starts a transaction that will write.</summary>
    public required string BeginSql { get; init; }

    /// <summary>Run before reading the version (creates where it is kept), or null.</summary>
    public string? PrepareVersionSql { get; init; }

    public required string CurrentVersionSql { get; init; }

    public required Func<int, string> SetVersionSql { get; init; }

    /// <summary>Taken at the start of each migration step's transaction, or null.</summary>
    public string? MigrationLockSql { get; init; }

    /// <summary>Locks the chat row for the rest of the transaction before a message is inserted, or null
    /// where one writer already serializes every write (SQLite).</summary>
    public string? LockChatSql { get; init; }

    /// <summary>Takes the next number of the message id sequence (for an edit's or delete's seq), so a
    /// chat's messages and changes share one increasing order. Called after <see cref="LockChatSql"/>.</summary>
    public required string NextSequenceSql { get; init; }

    /// <summary>After a copy, moves the message id sequence past every copied message id and change seq.</summary>
    public required string RaiseSequenceSql { get; init; }
    /// <summary>After rows were inserted with explicit ids, moves table {0}'s id generator past them, or null
    /// where the engine does so itself (SQLite).</summary>
    public string? ResetIdentitySql { get; init; }

    public int LatestVersion => Scripts.Count;

    public static SqlDialect Of(DbConnection connection) => connection is SqliteConnection ? Sqlite : Postgres;
}
