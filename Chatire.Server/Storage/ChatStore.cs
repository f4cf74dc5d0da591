using Chatire.Core;
using System.Data.Common;

namespace Chatire.Storage;

/// <summary>The chats and members tables. The owner is stored as the first member of their chat.</summary>
public sealed class ChatStore(Database database)
{
    private const string ChatColumns = "c.id, c.uri, c.owner_id, c.created";
    private const string UserColumns = "u.id, u.username, u.email, u.first_name, u.last_name, u.password, u.is_active, u.is_staff, u.date_joined, u.last_login";
    private const string UriExistsSql = "SELECT COUNT(*) FROM chats WHERE uri = @uri";
    private const string InsertChatSql = "INSERT INTO chats (uri, owner_id, created, last_activity) VALUES (@uri, @owner, @created, @created) RETURNING id";
    private const string InsertMemberSql = "INSERT INTO members (chat_id, user_id, joined) VALUES (@chat, @user, @joined) ON CONFLICT DO NOTHING";
    private const string SelectByUriSql = $"SELECT {ChatColumns} FROM chats c WHERE c.uri = @uri";
    private const string IsMemberSql = "SELECT COUNT(*) FROM members WHERE chat_id = @chat AND user_id = @user";
    private const string TouchSql = "UPDATE chats SET last_activity = @time WHERE id = @chat AND last_activity < @time";

    // The owner first, then everyone else in join order.
    private const string MembersSql = $"""
        SELECT {UserColumns} FROM members m JOIN users u ON u.id = m.user_id JOIN chats c ON c.id = m.chat_id
        WHERE m.chat_id = @chat ORDER BY (m.user_id = c.owner_id) DESC, m.id
        """;

    // Newest activity (creation or latest message) first.
    private const string ListForUserSql = $"""
        SELECT {ChatColumns} FROM chats c JOIN members m ON m.chat_id = c.id AND m.user_id = @user
        ORDER BY c.last_activity DESC, c.id DESC
        """;

    /// <summary>Creates a chat owned by <paramref name="ownerId"/> under a fresh uri (retrying on collision).</summary>
    public Task<Core.Chat> CreateAsync(long ownerId, Func<string> newUri, string created) => database.WriteAsync(c =>
    {
        string uri;
        do
        {
            uri = newUri();
        }
        while (Database.Scalar<long>(c, UriExistsSql, ("@uri", uri)) != 0);

        var id = Database.Scalar<long>(c, InsertChatSql, ("@uri", uri), ("@owner", ownerId), ("@created", created));
        Database.Execute(c, InsertMemberSql, ("@chat", id), ("@user", ownerId), ("@joined", created));
        return new Core.Chat(id, uri, ownerId, created);
    });

    public Core.Chat? FindByUri(string uri) => database.Read(c => FindByUri(c, uri));

    public static Core.Chat? FindByUri(DbConnection connection, string uri)
    {
        var command = Database.Command(connection, SelectByUriSql, ("@uri", uri));
        using var reader = command.ExecuteReader();
        return reader.Read() ? MapChat(reader) : null;
    }

    public bool IsMember(long chatId, long userId) => database.Read(c => IsMember(c, chatId, userId));

    public static bool IsMember(DbConnection connection, long chatId, long userId) =>
        Database.Scalar<long>(connection, IsMemberSql, ("@chat", chatId), ("@user", userId)) != 0;

    /// <summary>Adds a member (nothing happens when they already are one) and returns the members.</summary>
    public Task<IReadOnlyList<User>> AddMemberAsync(long chatId, long userId, string joined) => database.WriteAsync(c =>
    {
        Database.Execute(c, InsertMemberSql, ("@chat", chatId), ("@user", userId), ("@joined", joined));
        return Members(c, chatId);
    });

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

    /// <summary>The chats <paramref name="userId"/> belongs to, most recently active first.</summary>
    public static IReadOnlyList<Core.Chat> ListForUser(DbConnection connection, long userId)
    {
        var command = Database.Command(connection, ListForUserSql, ("@user", userId));
        using var reader = command.ExecuteReader();
        var chats = new List<Core.Chat>();
        while (reader.Read())
        {
            chats.Add(MapChat(reader));
        }

        return chats;
    }

    /// <summary>Moves the chat's activity time forward (called in the transaction that stores a message).</summary>
    public static void Touch(DbConnection connection, long chatId, string time) =>
        Database.Execute(connection, TouchSql, ("@chat", chatId), ("@time", time));

    private static Core.Chat MapChat(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3));

    internal static User MapUser(DbDataReader r, int first) => new(
        r.GetInt64(first), r.GetString(first + 1), r.GetString(first + 2), r.GetString(first + 3), r.GetString(first + 4), r.GetString(first + 5),
        r.GetInt64(first + 6) != 0, r.GetInt64(first + 7) != 0, r.GetString(first + 8), r.IsDBNull(first + 9) ? null : r.GetString(first + 9));
}
