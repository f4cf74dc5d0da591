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

    /// <summary>After rows were inserted with explicit ids, moves table {0}'s id generator past them, or null
    /// where the engine does so itself (SQLite).</summary>
    public string? ResetIdentitySql { get; init; }

    public int LatestVersion => Scripts.Count;

    public static SqlDialect Of(DbConnection connection) => connection is SqliteConnection ? Sqlite : Postgres;
}
