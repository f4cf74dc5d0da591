using Chatire.Core;
using System.Data.Common;

namespace Chatire.Storage;

/// <summary>The tokens table. Only SHA-256 hashes of tokens are stored.</summary>
public sealed class TokenStore(Database database)
{
    private const string Columns = "id, hash, kind, user_id, family, label, created, expires, family_expires, revoked";
    private const string SelectByHash = $"SELECT {Columns} FROM tokens WHERE hash = @hash";
    private const string SelectByUser = $"SELECT {Columns} FROM tokens WHERE user_id = @user ORDER BY id";
    private const string SelectAll = $"SELECT {Columns} FROM tokens ORDER BY id";
    private const string InsertSql = """
        INSERT INTO tokens (hash, kind, user_id, family, label, created, expires, family_expires)
        VALUES (@hash, @kind, @user, @family, @label, @created, @expires, @family_expires)
        RETURNING id
        """;
    private const string RevokeByIdSql = "UPDATE tokens SET revoked = @now WHERE id = @id AND revoked IS NULL";
    private const string RevokeFamilySql = "UPDATE tokens SET revoked = @now WHERE family = @family AND revoked IS NULL";
    private const string RevokeAccessAndRefreshSql = "UPDATE tokens SET revoked = @now WHERE kind IN ('access', 'refresh') AND revoked IS NULL";
    private const string RevokeUserSql = "UPDATE tokens SET revoked = @now WHERE user_id = @user AND revoked IS NULL";
    private const string RevokeUserExceptFamilySql = """
        UPDATE tokens SET revoked = @now
        WHERE user_id = @user AND revoked IS NULL AND id <> @keep_id AND (family IS NULL OR CAST(@keep_family AS TEXT) IS NULL OR family <> @keep_family)
        """;
    private const string ActiveIdsSql = "SELECT id FROM tokens WHERE user_id = @user AND revoked IS NULL";
    private const string FamilyIdsSql = "SELECT id FROM tokens WHERE family = @family";
    private const string OwnerOfActiveSql = "SELECT user_id FROM tokens WHERE id = @id AND revoked IS NULL";
    private const string PruneSql = "DELETE FROM tokens WHERE expires < @before";

    public TokenRecord? FindByHash(byte[] hash) => database.Read(c => FindByHash(c, hash));

    public static TokenRecord? FindByHash(DbConnection connection, byte[] hash)
    {
        var command = Database.Command(connection, SelectByHash, ("@hash", hash));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Map(reader) : null;
    }

    public IReadOnlyList<TokenRecord> List(long? userId) => database.Read(c =>
    {
        var command = userId is { } id ? Database.Command(c, SelectByUser, ("@user", id)) : Database.Command(c, SelectAll);
        using var reader = command.ExecuteReader();
        var tokens = new List<TokenRecord>();
        while (reader.Read())
        {
            tokens.Add(Map(reader));
        }

        return tokens;
    });

    public static long Insert(DbConnection connection, byte[] hash, TokenKind kind, long userId, string? family, string? label,
        DateTimeOffset created, DateTimeOffset expires, DateTimeOffset? familyExpires) =>
        Database.Scalar<long>(connection, InsertSql,
            ("@hash", hash), ("@kind", kind.ToText()), ("@user", userId), ("@family", family), ("@label", label),
            ("@created", Timestamps.ToText(created)), ("@expires", Timestamps.ToText(expires)),
            ("@family_expires", familyExpires is { } f ? Timestamps.ToText(f) : null));

    public static int RevokeById(DbConnection connection, long id, DateTimeOffset now) =>
        Execute(connection, RevokeByIdSql, ("@id", id), ("@now", Timestamps.ToText(now)));

    public static int RevokeFamily(DbConnection connection, string family, DateTimeOffset now) =>
        Execute(connection, RevokeFamilySql, ("@family", family), ("@now", Timestamps.ToText(now)));

    /// <summary>Revokes every signed token (a key rotation); auth_tokens stay.</summary>
    public static int RevokeAccessAndRefresh(DbConnection connection, DateTimeOffset now) =>
        Execute(connection, RevokeAccessAndRefreshSql, ("@now", Timestamps.ToText(now)));

    public static int RevokeUser(DbConnection connection, long userId, DateTimeOffset now) =>
        Execute(connection, RevokeUserSql, ("@user", userId), ("@now", Timestamps.ToText(now)));

    public static int RevokeUserExcept(DbConnection connection, long userId, long keepId, string? keepFamily, DateTimeOffset now) =>
        Execute(connection, RevokeUserExceptFamilySql, ("@user", userId), ("@keep_id", keepId), ("@keep_family", keepFamily), ("@now", Timestamps.ToText(now)));

    public Task<int> PruneAsync(DateTimeOffset before) =>
        database.WriteAsync(c => Execute(c, PruneSql, ("@before", Timestamps.ToText(before))));

    public static HashSet<long> ActiveIds(DbConnection connection, long userId) => Ids(connection, ActiveIdsSql, ("@user", userId));

    public static HashSet<long> FamilyIds(DbConnection connection, string family) => Ids(connection, FamilyIdsSql, ("@family", family));

    public static long? OwnerOfActive(DbConnection connection, long tokenId)
    {
        var command = Database.Command(connection, OwnerOfActiveSql, ("@id", tokenId));
        return command.ExecuteScalar() is long owner ? owner : null;
    }

    private static HashSet<long> Ids(DbConnection connection, string sql, params (string, object?)[] parameters)
    {
        var command = Database.Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var ids = new HashSet<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static int Execute(DbConnection connection, string sql, params (string, object?)[] parameters)
    {
        var command = Database.Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static TokenRecord Map(DbDataReader r) => new(
        r.GetInt64(0),
        (byte[])r.GetValue(1),
        TokenKindNames.Parse(r.GetString(2)),
        r.GetInt64(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        Timestamps.Parse(r.GetString(6)),
        Timestamps.Parse(r.GetString(7)),
        r.IsDBNull(8) ? null : Timestamps.Parse(r.GetString(8)),
        r.IsDBNull(9) ? null : Timestamps.Parse(r.GetString(9)));
}
