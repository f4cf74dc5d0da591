using System.Data.Common;
using Chatire.Core;
using Microsoft.Data.Sqlite;

namespace Chatire.Storage;

/// <summary>An import into a Chatire database (SQLite or PostgreSQL), as one write: one transaction.</summary>
public sealed class ImportTarget(Database database) : IImportTarget
{
    public Task RunAsync(Action<IImportWriter> import) => database.WriteAsync(c =>
    {
        import(new ImportWriter(c, database.Display));

        // Users and chats keep their ids: on PostgreSQL the identities move past them.
        if (database.Dialect.ResetIdentitySql is { } reset)
        {
            foreach (var table in new[] { "users", "chats" })
            {
                Database.Execute(c, string.Format(System.Globalization.CultureInfo.InvariantCulture, reset, table));
            }
        }
    });

    /// <summary>Why the database file at <paramref name="path"/> cannot take an import, read without
    /// changing it; null when it does not exist or holds no users and no chats.</summary>
    public static string? RefusalReadOnly(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        // Without a write-ahead log beside it the file holds everything, and opening it as immutable keeps
        // SQLite from creating the -wal and -shm files a read-only reader of a WAL database otherwise leaves.
        SQLitePCL.Batteries_V2.Init();
        var source = File.Exists(path + "-wal") ? path : new Uri(path).AbsoluteUri + "?immutable=1";
        var connectionString = new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            if (Database.Scalar<long>(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'chats')") < 2)
            {
                return Database.Scalar<long>(connection, "SELECT count(*) FROM sqlite_master") == 0
                    ? null
                    : $"The database '{path}' is not a Chatire database.";
            }

            return ImportWriter.Refusal(connection, path);
        }
        catch (SqliteException ex)
        {
            return $"The database '{path}' cannot be read: {ex.Message}";
        }
    }
}

/// <summary>Writes imported rows on the write transaction's connection, through the stores' statements where they fit.</summary>
internal sealed class ImportWriter(DbConnection connection, string display) : IImportWriter
{
    private const string CountUsersSql = "SELECT count(*) FROM users";
    private const string CountChatsSql = "SELECT count(*) FROM chats";
    private const string InsertUserSql = """
        INSERT INTO users (id, username, username_key, email, first_name, last_name, password, is_active, is_staff, date_joined, last_login)
        VALUES (@id, @username, @key, @email, @first, @last, @password, @active, @staff, @joined, @last_login)
        """;
    private const string InsertChatSql = "INSERT INTO chats (id, uri, owner_id, created, last_activity) VALUES (@id, @uri, @owner, @created, @created)";
    private const string InsertMemberSql = "INSERT INTO members (chat_id, user_id, joined) VALUES (@chat, @user, @joined)";

    // Not MessageStore.TryInsert: its RETURNING makes SQLite keep a statement journal for every insert,
    // and inside the import's long savepoint that journal lives in a temporary file (about six small
    // writes per message, a third of the import's time). Imported messages have no client_id to dedupe.
    private const string InsertMessageSql = "INSERT INTO messages (chat_id, user_id, message, created) VALUES (@chat, @user, @text, @created)";

    public string? RefusalReason() => Refusal(connection, display);

    internal static string? Refusal(DbConnection connection, string path)
    {
        var users = Database.Scalar<long>(connection, CountUsersSql);
        var chats = Database.Scalar<long>(connection, CountChatsSql);
        return users == 0 && chats == 0
            ? null
            : $"The database '{path}' already holds {users} user(s) and {chats} chat(s); an import needs an empty database (give a new file with --db).";
    }

    public void AddUser(User user) => Database.Execute(connection, InsertUserSql,
        ("@id", user.Id), ("@username", user.Username), ("@key", Usernames.Key(user.Username)), ("@email", user.Email),
        ("@first", user.FirstName), ("@last", user.LastName), ("@password", user.PasswordHash), ("@active", user.IsActive ? 1 : 0),
        ("@staff", user.IsStaff ? 1 : 0), ("@joined", user.DateJoined), ("@last_login", user.LastLogin));

    public void AddChat(ImportedChat chat)
    {
        Database.Execute(connection, InsertChatSql, ("@id", chat.Id), ("@uri", chat.Uri), ("@owner", chat.OwnerId), ("@created", chat.Created));
        AddMember(chat.Id, chat.OwnerId, chat.Created);
    }

    public void AddMember(long chatId, long userId, string joined) =>
        Database.Execute(connection, InsertMemberSql, ("@chat", chatId), ("@user", userId), ("@joined", joined));

    public void AddMessage(long chatId, long userId, string text, string created) =>
        Database.Execute(connection, InsertMessageSql, ("@chat", chatId), ("@user", userId), ("@text", text), ("@created", created));

    public void SetLastActivity(long chatId, string time) => ChatStore.Touch(connection, chatId, time);

    public void AddAuthToken(long userId, byte[] hash, string label, DateTimeOffset created, DateTimeOffset expires) =>
        TokenStore.Insert(connection, hash, TokenKind.AuthToken, userId, null, label, created, expires, null);
}
