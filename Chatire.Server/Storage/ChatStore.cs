using Chatire.Core;
using System.Data.Common;

namespace Chatire.Storage;

/// <summary>The chats and members tables (with each member's read marker). The owner is stored as the
/// first member of their chat.</summary>
public sealed class ChatStore(Database database)
{
    /// <summary>Unread counts stop here: "1000" means 1000 or more.</summary>
    public const int UnreadCap = 1000;

    private const string ChatColumns = "c.id, c.uri, c.owner_id, c.created, c.name";
    private const string UserColumns = "u.id, u.username, u.email, u.first_name, u.last_name, u.password, u.is_active, u.is_staff, u.date_joined, u.last_login";
    private const string UriExistsSql = "SELECT COUNT(*) FROM chats WHERE uri = @uri";
    private const string InsertChatSql = "INSERT INTO chats (uri, owner_id, created, last_activity, name) VALUES (@uri, @owner, @created, @created, @name) RETURNING id";
    private const string InsertMemberSql = "INSERT INTO members (chat_id, user_id, joined) VALUES (@chat, @user, @joined) ON CONFLICT DO NOTHING";
    private const string SelectByUriSql = $"SELECT {ChatColumns} FROM chats c WHERE c.uri = @uri";
    private const string SelectByIdSql = $"SELECT {ChatColumns} FROM chats c WHERE c.id = @id";
    private const string IsMemberSql = "SELECT COUNT(*) FROM members WHERE chat_id = @chat AND user_id = @user";
    private const string TouchSql = "UPDATE chats SET last_activity = @time WHERE id = @chat AND last_activity < @time";
    private const string RenameSql = "UPDATE chats SET name = @name WHERE id = @chat";
    private const string DeleteChatSql = "DELETE FROM chats WHERE id = @chat";
    private const string MemberIdsSql = "SELECT user_id FROM members WHERE chat_id = @chat";
    private const string RemoveMemberSql = "DELETE FROM members WHERE chat_id = @chat AND user_id = @user";
    private const string LastReadSql = "SELECT last_read FROM members WHERE chat_id = @chat AND user_id = @user";
    private const string MoveReadSql = "UPDATE members SET last_read = @up WHERE chat_id = @chat AND user_id = @user AND last_read < @up";

    // The owner first, then everyone else in join order.
    private const string MembersSql = $"""
        SELECT {UserColumns} FROM members m JOIN users u ON u.id = m.user_id JOIN chats c ON c.id = m.chat_id
        WHERE m.chat_id = @chat ORDER BY (m.user_id = c.owner_id) DESC, m.id
        """;

    // Newest activity (creation or latest message) first, with the caller's read marker.
    private const string ListForUserSql = $"""
        SELECT {ChatColumns}, m.last_read FROM chats c JOIN members m ON m.chat_id = c.id AND m.user_id = @user
        ORDER BY c.last_activity DESC, c.id DESC
        """;

    // Messages after the marker that are neither the reader's own nor deleted, counted on the partial
    // index messages_unread (chat_id, id, user_id) WHERE deleted = 0 and never past the cap.
    private const string UnreadSql = """
        SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE chat_id = @chat AND id > @after AND deleted = 0 AND user_id <> @user LIMIT @cap) AS unread
        """;

    /// <summary>Creates a chat owned by <paramref name="ownerId"/> under a fresh uri (retrying on collision).</summary>
    public Task<Core.Chat> CreateAsync(long ownerId, Func<string> newUri, string created, string name) => database.WriteAsync(c =>
    {
        string uri;
        do
        {
            uri = newUri();
        }
        while (Database.Scalar<long>(c, UriExistsSql, ("@uri", uri)) != 0);

        var id = Database.Scalar<long>(c, InsertChatSql, ("@uri", uri), ("@owner", ownerId), ("@created", created), ("@name", name));
        Database.Execute(c, InsertMemberSql, ("@chat", id), ("@user", ownerId), ("@joined", created));
        return new Core.Chat(id, uri, ownerId, created, name);
    });

    public Core.Chat? FindByUri(string uri) => database.Read(c => FindByUri(c, uri));

    public static Core.Chat? FindByUri(DbConnection connection, string uri)
    {
        var command = Database.Command(connection, SelectByUriSql, ("@uri", uri));
        using var reader = command.ExecuteReader();
        return reader.Read() ? MapChat(reader) : null;
    }

    public static Core.Chat? FindById(DbConnection connection, long id)
    {
        var command = Database.Command(connection, SelectByIdSql, ("@id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? MapChat(reader) : null;
    }

    public bool IsMember(long chatId, long userId) => database.Read(c => IsMember(c, chatId, userId));

    public static bool IsMember(DbConnection connection, long chatId, long userId) =>
        Database.Scalar<long>(connection, IsMemberSql, ("@chat", chatId), ("@user", userId)) != 0;

    /// <summary>Adds a member (nothing happens when they already are one); returns the members and whether
    /// this call added them.</summary>
    public Task<(IReadOnlyList<User> Members, bool Added)> AddMemberAsync(long chatId, long userId, string joined) => database.WriteAsync(c =>
    {
        var added = Database.Command(c, InsertMemberSql, ("@chat", chatId), ("@user", userId), ("@joined", joined)).ExecuteNonQuery() > 0;
        return (Members(c, chatId), added);
    });

    /// <summary>Removes a member with their read marker; false when they were not one.</summary>
    public Task<bool> RemoveMemberAsync(long chatId, long userId) => database.WriteAsync(c =>
        Database.Command(c, RemoveMemberSql, ("@chat", chatId), ("@user", userId)).ExecuteNonQuery() > 0);

    /// <summary>Deletes the chat with its members, messages, changes and read markers; returns who were members.</summary>
    public Task<IReadOnlyList<long>> DeleteAsync(long chatId) => database.WriteAsync<IReadOnlyList<long>>(c =>
    {
        var members = new List<long>();
        using (var reader = Database.Command(c, MemberIdsSql, ("@chat", chatId)).ExecuteReader())
        {
            while (reader.Read())
            {
                members.Add(reader.GetInt64(0));
            }
        }

        Database.Execute(c, DeleteChatSql, ("@chat", chatId));
        return members;
    });

    public Task RenameAsync(long chatId, string name) => database.WriteAsync(c => Database.Execute(c, RenameSql, ("@chat", chatId), ("@name", name)));

    public IReadOnlyList<User> Members(long chatId) => database.Read(c => Members(c, chatId));

    public static IReadOnlyList<User> Members(DbConnection connection, long chatId)
    {
        var command = Database.Command(connection, MembersSql, ("@chat", chatId));
        using var reader = command.ExecuteReader();
        var users = new List<User>();
        while (reader.Read())
        {
            users.Add(MapUser(reader, 0));
        }

        return users;
    }

    /// <summary>The chats <paramref name="userId"/> belongs to, most recently active first, each with the user's read marker.</summary>
    public static IReadOnlyList<(Core.Chat Chat, long LastRead)> ListForUser(DbConnection connection, long userId)
    {
        var command = Database.Command(connection, ListForUserSql, ("@user", userId));
        using var reader = command.ExecuteReader();
        var chats = new List<(Core.Chat, long)>();
        while (reader.Read())
        {
            chats.Add((MapChat(reader), reader.GetInt64(5)));
        }

        return chats;
    }

    /// <summary>The user's read marker in the chat (0 before the first), or null when they are not a member.</summary>
    public static long? LastRead(DbConnection connection, long chatId, long userId) =>
        Database.Command(connection, LastReadSql, ("@chat", chatId), ("@user", userId)).ExecuteScalar() is long value ? value : null;

    /// <summary>Moves the marker forward to <paramref name="upTo"/> (never back).</summary>
    public static void MoveRead(DbConnection connection, long chatId, long userId, long upTo) =>
        Database.Execute(connection, MoveReadSql, ("@chat", chatId), ("@user", userId), ("@up", upTo));

    /// <summary>Messages after <paramref name="lastRead"/> that are not the user's own and not deleted, at most <see cref="UnreadCap"/>.</summary>
    public static int Unread(DbConnection connection, long chatId, long userId, long lastRead) =>
        (int)Database.Scalar<long>(connection, UnreadSql, ("@chat", chatId), ("@after", lastRead), ("@user", userId), ("@cap", UnreadCap));

    /// <summary>Moves the chat's activity time forward (called in the transaction that stores a message).</summary>
    public static void Touch(DbConnection connection, long chatId, string time) =>
        Database.Execute(connection, TouchSql, ("@chat", chatId), ("@time", time));

    private static Core.Chat MapChat(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4));

    internal static User MapUser(DbDataReader r, int first) => new(
        r.GetInt64(first), r.GetString(first + 1), r.GetString(first + 2), r.GetString(first + 3), r.GetString(first + 4), r.GetString(first + 5),
        r.GetInt64(first + 6) != 0, r.GetInt64(first + 7) != 0, r.GetString(first + 8), r.IsDBNull(first + 9) ? null : r.GetString(first + 9));
}
