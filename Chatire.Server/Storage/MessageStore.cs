using Chatire.Core;
using System.Data.Common;

namespace Chatire.Storage;

/// <summary>A stored message with its author.</summary>
public sealed record AuthoredMessage(ChatMessage Message, User Author);

/// <summary>What one entry of a chat's timeline is: a new message, or an edit or delete of one.</summary>
public enum TimelineKind
{
    Message,
    Edit,
    Delete,
}

/// <summary>One entry of a chat's timeline. <see cref="Position"/> is the message id for a message and the
/// change's seq for an edit or delete; both come from one sequence, so a chat's entries sort by it.
/// <see cref="Message"/> is the message as it is now (for a replay) or right after the change (live).</summary>
public sealed record TimelineEntry(TimelineKind Kind, long Position, AuthoredMessage Message)
{
    public long ChatId => Message.Message.ChatId;
}

/// <summary>
/// The messages table and its change log. Ids come from AUTOINCREMENT (an identity on PostgreSQL):
/// server-wide, strictly increasing, never reused. An edit or delete updates the message in place
/// (a delete empties the text and marks it deleted: a tombstone) and appends a row to
/// <c>message_changes</c> whose seq is taken from the same sequence, so "everything after cursor N"
/// is messages with id &gt; N and changes with seq &gt; N, merged by that number.
/// </summary>
public sealed class MessageStore(Database database)
{
    private const string Columns = """
        m.id, m.chat_id, c.uri, m.user_id, m.message, m.created, m.client_id, m.edited, m.deleted,
        u.id, u.username, u.email, u.first_name, u.last_name, u.password, u.is_active, u.is_staff, u.date_joined, u.last_login
        """;
    private const int UserColumn = 9;
    private const string From = "FROM messages m JOIN chats c ON c.id = m.chat_id JOIN users u ON u.id = m.user_id";
    private const string InsertSql = """
        INSERT INTO messages (chat_id, user_id, message, created, client_id) VALUES (@chat, @user, @text, @created, @client)
        ON CONFLICT (chat_id, user_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING id
        """;
    private const string ByClientIdSql = $"SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.user_id = @user AND m.client_id = @client";
    private const string ByIdSql = $"SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.id = @id";
    private const string NewestSql = $"SELECT * FROM (SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.id < @before AND m.id > @after ORDER BY m.id DESC LIMIT @limit) AS newest ORDER BY 1";
    private const string OldestSql = $"SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.id < @before AND m.id > @after ORDER BY m.id LIMIT @limit";
    private const string LastSql = $"SELECT {Columns} {From} WHERE m.chat_id = @chat AND m.deleted = 0 ORDER BY m.id DESC LIMIT 1";
    private const string MaxIdSql = "SELECT COALESCE(MAX(id), 0) FROM messages WHERE chat_id = @chat";
    private const string EditSql = "UPDATE messages SET message = @text, edited = @at WHERE id = @id";
    private const string DeleteSql = "UPDATE messages SET message = '', deleted = 1 WHERE id = @id AND deleted = 0";
    private const string InsertChangeSql = "INSERT INTO message_changes (seq, chat_id, message_id, kind, at) VALUES (@seq, @chat, @message, @kind, @at)";
    private const string ChangesSql = $"""
        SELECT ch.seq, ch.kind, {Columns} FROM message_changes ch JOIN messages m ON m.id = ch.message_id JOIN chats c ON c.id = m.chat_id JOIN users u ON u.id = m.user_id
        WHERE ch.chat_id = @chat AND ch.seq > @after ORDER BY ch.seq LIMIT @limit
        """;
    private const string ByIdOnlySql = $"SELECT {Columns} {From} WHERE m.id = @id";

    /// <summary>Stores a message; call inside a write. Returns its id, or null when the author already
    /// stored a message with this client_id in this chat (look it up with <see cref="FindByClientId(DbConnection, long, long, string)"/>).</summary>
    public static long? TryInsert(DbConnection connection, long chatId, long userId, string text, string created, string? clientId) =>
        Database.Command(connection, InsertSql, ("@chat", chatId), ("@user", userId), ("@text", text), ("@created", created), ("@client", clientId)).ExecuteScalar() is long id ? id : null;

    /// <summary>Where writes run concurrently (PostgreSQL), holds the chat's row until the transaction ends, so
    /// the chat's messages and changes take their numbers and commit one at a time, in that order.</summary>
    public static void LockChat(DbConnection connection, long chatId)
    {
        if (SqlDialect.Of(connection).LockChatSql is { } sql)
        {
            Database.Execute(connection, sql, ("@chat", chatId));
        }
    }

    /// <summary>Replaces the text of message <paramref name="id"/> and logs the edit; returns its seq. Call inside
    /// a write, after <see cref="LockChat"/>.</summary>
    public static long Edit(DbConnection connection, long chatId, long id, string text, string at)
    {
        Database.Execute(connection, EditSql, ("@id", id), ("@text", text), ("@at", at));
        return LogChange(connection, chatId, id, "edit", at);
    }

    /// <summary>Turns message <paramref name="id"/> into a tombstone and logs the delete; returns its seq, or null
    /// when it was already deleted. Call inside a write, after <see cref="LockChat"/>.</summary>
    public static long? Delete(DbConnection connection, long chatId, long id, string at)
    {
        if (Database.Command(connection, DeleteSql, ("@id", id)).ExecuteNonQuery() == 0)
        {
            return null;
        }

        return LogChange(connection, chatId, id, "delete", at);
    }

    private static long LogChange(DbConnection connection, long chatId, long id, string kind, string at)
    {
        var seq = Database.Command(connection, SqlDialect.Of(connection).NextSequenceSql).ExecuteScalar() is long next
            ? next
            : throw new InvalidOperationException("The message id sequence has no row to take a number from.");
        Database.Execute(connection, InsertChangeSql, ("@seq", seq), ("@chat", chatId), ("@message", id), ("@kind", kind), ("@at", at));
        return seq;
    }

    public AuthoredMessage? FindByClientId(long chatId, long userId, string clientId) => database.Read(c => FindByClientId(c, chatId, userId, clientId));

    public static AuthoredMessage? FindByClientId(DbConnection connection, long chatId, long userId, string clientId) =>
        Query(connection, ByClientIdSql, ("@chat", chatId), ("@user", userId), ("@client", clientId)).FirstOrDefault();

    /// <summary>Message <paramref name="id"/> of the chat (a tombstone included), or null.</summary>
    public AuthoredMessage? Find(long chatId, long id) => database.Read(c => Find(c, chatId, id));

    public static AuthoredMessage? Find(DbConnection connection, long chatId, long id) =>
        Query(connection, ByIdSql, ("@chat", chatId), ("@id", id)).FirstOrDefault();

    /// <summary>The newest <paramref name="limit"/> messages with after &lt; id &lt; before, oldest first.</summary>
    public IReadOnlyList<AuthoredMessage> Newest(long chatId, int limit, long before = long.MaxValue, long after = 0) =>
        database.Read(c => Query(c, NewestSql, ("@chat", chatId), ("@limit", limit), ("@before", before), ("@after", after)));

    /// <summary>The oldest <paramref name="limit"/> messages with after &lt; id &lt; before, oldest first.</summary>
    public IReadOnlyList<AuthoredMessage> Oldest(long chatId, int limit, long after, long before = long.MaxValue) =>
        database.Read(c => Query(c, OldestSql, ("@chat", chatId), ("@limit", limit), ("@before", before), ("@after", after)));

    /// <summary>The chat's timeline after <paramref name="after"/>: messages (as they are now, tombstones
    /// included) and their edits and deletes, in position order, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<TimelineEntry> Timeline(long chatId, long after, int limit) => database.Read(c =>
    {
        var messages = Query(c, OldestSql, ("@chat", chatId), ("@limit", limit), ("@before", long.MaxValue), ("@after", after));
        var changes = new List<TimelineEntry>();
        using (var reader = Database.Command(c, ChangesSql, ("@chat", chatId), ("@after", after), ("@limit", limit)).ExecuteReader())
        {
            while (reader.Read())
            {
                var kind = reader.GetString(1) == "edit" ? TimelineKind.Edit : TimelineKind.Delete;
                changes.Add(new TimelineEntry(kind, reader.GetInt64(0), Map(reader, 2)));
            }
        }

        return messages.Select(m => new TimelineEntry(TimelineKind.Message, m.Message.Id, m))
            .Concat(changes).OrderBy(e => e.Position).Take(limit).ToList();
    });

    /// <summary>Message <paramref name="id"/> of any chat (a tombstone included), or null.</summary>
    public AuthoredMessage? FindById(long id) => database.Read(c => Query(c, ByIdOnlySql, ("@id", id)).FirstOrDefault());

    /// <summary>The chat's newest message that is not deleted, or null.</summary>
    public static AuthoredMessage? Last(DbConnection connection, long chatId) => Query(connection, LastSql, ("@chat", chatId)).FirstOrDefault();

    /// <summary>The largest message id of the chat, deleted messages included (0 when it has none).</summary>
    public static long MaxId(DbConnection connection, long chatId) => Database.Scalar<long>(connection, MaxIdSql, ("@chat", chatId));

    private static List<AuthoredMessage> Query(DbConnection connection, string sql, params (string, object?)[] parameters)
    {
        var command = Database.Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var messages = new List<AuthoredMessage>();
        while (reader.Read())
        {
            messages.Add(Map(reader, 0));
        }

        return messages;
    }

    private static AuthoredMessage Map(DbDataReader reader, int first)
    {
        var message = new ChatMessage(reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetString(first + 2), reader.GetInt64(first + 3), reader.GetString(first + 4),
            reader.GetString(first + 5), reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6), reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
            reader.GetInt64(first + 8) != 0);
        return new AuthoredMessage(message, ChatStore.MapUser(reader, first + UserColumn));
    }
}
