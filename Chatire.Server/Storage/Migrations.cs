using System.Data.Common;

namespace Chatire.Storage;

/// <summary>
/// The schema, one script per version and per dialect: <see cref="Scripts"/> for SQLite (the version
/// reached is in <c>PRAGMA user_version</c>) and <see cref="PostgresScripts"/> for PostgreSQL (in the
/// table <c>chatire_schema</c>). A script is never edited once released; a new step appends one script
/// to each list, with the same meaning in both.
/// </summary>
public static partial class Migrations
{
    /// <summary>SQLite.</summary>
    public static readonly IReadOnlyList<string> Scripts =
    [
        // 1: accounts, tokens, chats, members, messages.
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL,
            username_key TEXT NOT NULL UNIQUE,
            email TEXT NOT NULL DEFAULT '',
            first_name TEXT NOT NULL DEFAULT '',
            last_name TEXT NOT NULL DEFAULT '',
            password TEXT NOT NULL,
            is_active INTEGER NOT NULL DEFAULT 1,
            is_staff INTEGER NOT NULL DEFAULT 0,
            date_joined TEXT NOT NULL,
            last_login TEXT
        );
        CREATE TABLE tokens (
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('auth_token', 'access', 'refresh')),
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            family TEXT,
            label TEXT,
            created TEXT NOT NULL,
            expires TEXT NOT NULL,
            family_expires TEXT,
            revoked TEXT
        );
        CREATE INDEX tokens_user ON tokens(user_id);
        CREATE INDEX tokens_family ON tokens(family) WHERE family IS NOT NULL;
        CREATE INDEX tokens_expires ON tokens(expires);
        CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            uri TEXT NOT NULL UNIQUE,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created TEXT NOT NULL,
            last_activity TEXT NOT NULL
        );
        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            joined TEXT NOT NULL,
            UNIQUE (chat_id, user_id)
        );
        CREATE INDEX members_user ON members(user_id);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            message TEXT NOT NULL,
            created TEXT NOT NULL,
            client_id TEXT
        );
        CREATE INDEX messages_chat ON messages(chat_id, id);
        CREATE UNIQUE INDEX messages_client_id ON messages(chat_id, user_id, client_id) WHERE client_id IS NOT NULL;
        """,

        // 2: the secret access and refresh tokens are signed with; Conduit's profile fields and its login by email.
        """
        CREATE TABLE secrets (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            created TEXT NOT NULL
        );
        ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
        ALTER TABLE users ADD COLUMN image TEXT NOT NULL DEFAULT '';
        CREATE INDEX users_email ON users(lower(email));
        """,
    ];

    public static int LatestVersion => Scripts.Count;

    public static int CurrentVersion(DbConnection connection)
    {
        var dialect = SqlDialect.Of(connection);
        if (dialect.PrepareVersionSql is { } prepare)
        {
            Database.Execute(connection, prepare);
        }

        return (int)Database.Scalar<long>(connection, dialect.CurrentVersionSql);
    }

    /// <summary>Brings the schema up to the dialect's latest version (or <paramref name="upTo"/>), each step in its own transaction.</summary>
    public static void Apply(DbConnection connection, int? upTo = null)
    {
        var dialect = SqlDialect.Of(connection);
        var latest = dialect.LatestVersion;
        var target = upTo ?? latest;
        while (true)
        {
            Database.Execute(connection, dialect.BeginSql);
            try
            {
                if (dialect.MigrationLockSql is { } lockSql)
                {
                    Database.Execute(connection, lockSql);
                }

                var version = CurrentVersion(connection);
                if (version > latest)
                {
                    throw new DatabaseException(
                        $"The database has schema version {version}, but this chatire knows versions up to {latest}. Use a newer chatire, or restore a backup made by this version.");
                }

                if (version >= target)
                {
                    Database.Execute(connection, "COMMIT");
                    return;
                }

                Run(connection, dialect.Scripts[version] + ";\n" + dialect.SetVersionSql(version + 1) + ";");
                Database.Execute(connection, "COMMIT");
            }
            catch
            {
                Database.Execute(connection, "ROLLBACK");
                throw;
            }
        }
    }

    private static void Run(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
