using Chatire.Core;
using System.Data.Common;

namespace Chatire.Storage;

/// <summary>A stored message with its author.</summary>
public sealed record AuthoredMessage(ChatMessage Message, User Author);

/// <summary>The messages table. Ids come from AUTOINCREMENT: server-wide, strictly increasing, never reused.</summary>
public sealed class MessageStore(Database database)
{
    private const string Columns = """
        m.id, m.chat_id, c.uri, m.user_id, m.message, m.created, m.client_id,
        u.id, u.username, u.email, u.first_name, u.last_name, u.password, u.is_active, u.is_staff, u.date_joined, u.last_login
        """;
    private const string From = "FROM messages m JOIN chats c ON c.id = m.chat_id JOIN users u ON u.id = m.user_id";
    private const string InsertSql = """
        INSERT INTO messages (chat_id, user_id, message, created, client_id) VALUES (@chat, @user, @text, @created, @client)
        ON CONFLICT (chat_id, user_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING id
        """;
    private const string ByClientIdSql = $"SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.user_id = @user AND m.client_id = @client";
    private const string NewestSql = $"SELECT * FROM (SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.id < @before AND m.id > @after ORDER BY m.id DESC LIMIT @limit) AS newest ORDER BY 1";
    private const string OldestSql = $"SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.id < @before AND m.id > @after ORDER BY m.id LIMIT @limit";
    private const string ByIdSql = $"SELECT {Columns} {From} WHERE m.id = @id";
    private const string LastSql = $"SELECT {Columns} {From} WHERE m.chat_id = @chat ORDER BY m.id DESC LIMIT 1";

    /// <summary>Stores a message; call inside a write. Returns its id, or null when the author already
    /// stored a message with this client_id in this chat (look it up with <see cref="FindByClientId(DbConnection, long, long, string)"/>).</summary>
    public static long? TryInsert(DbConnection connection, long chatId, long userId, string text, string created, string? clientId) =>
        Database.Command(connection, InsertSql, ("@chat", chatId), ("@user", userId), ("@text", text), ("@created", created), ("@client", clientId)).ExecuteScalar() is long id ? id : null;

    /// <summary>Where writes run concurrently (PostgreSQL), holds the chat's row until the transaction ends, so
    /// the chat's messages take their ids and commit one at a time, in id order.</summary>
    public static void LockChat(DbConnection connection, long chatId)
    {
        if (SqlDialect.Of(connection).LockChatSql is { } sql)
        {
            Database.Execute(connection, sql, ("@chat", chatId));
        }
    }

    public AuthoredMessage? FindByClientId(long chatId, long userId, string clientId) => database.Read(c => FindByClientId(c, chatId, userId, clientId));

    public static AuthoredMessage? FindByClientId(DbConnection connection, long chatId, long userId, string clientId) =>
        Query(connection, ByClientIdSql, ("@chat", chatId), ("@user", userId), ("@client", clientId)).FirstOrDefault();

    /// <summary>The newest <paramref name="limit"/> messages with after &lt; id &lt; before, oldest first.</summary>
    public IReadOnlyList<AuthoredMessage> Newest(long chatId, int limit, long before = long.MaxValue, long after = 0) =>
        database.Read(c => Query(c, NewestSql, ("@chat", chatId), ("@limit", limit), ("@before", before), ("@after", after)));

    /// <summary>The oldest <paramref name="limit"/> messages with after &lt; id &lt; before, oldest first.</summary>
    public IReadOnlyList<AuthoredMessage> Oldest(long chatId, int limit, long after, long before = long.MaxValue) =>
        database.Read(c => Query(c, OldestSql, ("@chat", chatId), ("@limit", limit), ("@before", before), ("@after", after)));

    public AuthoredMessage? FindById(long id) => database.Read(c => Query(c, ByIdSql, ("@id", id)).FirstOrDefault());

    public static AuthoredMessage? Last(DbConnection connection, long chatId) => Query(connection, LastSql, ("@chat", chatId)).FirstOrDefault();

    private static List<AuthoredMessage> Query(DbConnection connection, string sql, params (string, object?)[] parameters)
    {
        var command = Database.Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var messages = new List<AuthoredMessage>();
        while (reader.Read())
        {
            var message = new ChatMessage(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6));
            messages.Add(new AuthoredMessage(message, ChatStore.MapUser(reader, 7)));
        }

        return messages;
    }
}
