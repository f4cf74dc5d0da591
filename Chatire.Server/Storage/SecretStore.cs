using System.Data.Common;
using Chatire.Core;

namespace Chatire.Storage;

/// <summary>The secrets table: named server secrets (the token signing key), created by the server,
/// never shown. Plain SQL, one row per name.</summary>
public static class SecretStore
{
    public const string TokenSigningKey = "token_signing_key";

    private const string SelectSql = "SELECT value FROM secrets WHERE name = @name";
    private const string InsertIfMissingSql = "INSERT INTO secrets (name, value, created) VALUES (@name, @value, @created) ON CONFLICT (name) DO NOTHING";
    private const string ReplaceSql = "UPDATE secrets SET value = @value, created = @created WHERE name = @name";

    public static string? Find(DbConnection connection, string name) =>
        Database.Command(connection, SelectSql, ("@name", name)).ExecuteScalar() as string;

    /// <summary>The secret named <paramref name="name"/>, stored as <paramref name="value"/> first when there is none.</summary>
    public static string FindOrCreate(DbConnection connection, string name, string value, DateTimeOffset now)
    {
        Database.Execute(connection, InsertIfMissingSql, ("@name", name), ("@value", value), ("@created", Timestamps.ToText(now)));
        return Find(connection, name)!;
    }

    /// <summary>Replaces the secret (creating it when missing).</summary>
    public static void Replace(DbConnection connection, string name, string value, DateTimeOffset now)
    {
        Database.Execute(connection, ReplaceSql, ("@name", name), ("@value", value), ("@created", Timestamps.ToText(now)));
        FindOrCreate(connection, name, value, now);
    }
}
