using Chatire.Core;
using System.Data.Common;

namespace Chatire.Storage;

/// <summary>The users table.</summary>
public sealed class UserStore(Database database)
{
    private long _profileVersion;

    /// <summary>Changes whenever this process changes or deletes a user (what copies of user fields, such
    /// as cached message authors, must not outlive).</summary>
    public long ProfileVersion => Interlocked.Read(ref _profileVersion);

    private const string Columns = "id, username, email, first_name, last_name, password, is_active, is_staff, date_joined, last_login";
    private const string SelectById = $"SELECT {Columns} FROM users WHERE id = @id";
    private const string SelectByKey = $"SELECT {Columns} FROM users WHERE username_key = @key";
    private const string SelectAll = $"SELECT {Columns} FROM users ORDER BY id";
    private const string InsertSql = """
        INSERT INTO users (username, username_key, email, first_name, last_name, password, is_active, is_staff, date_joined)
        VALUES (@username, @key, @email, @first, @last, @password, 1, @staff, @joined)
        RETURNING id
        """;
    private const string UpdateProfileSql = "UPDATE users SET email = @email, first_name = @first, last_name = @last WHERE id = @id";
    private const string UpdatePasswordSql = "UPDATE users SET password = @password WHERE id = @id";
    private const string UpdateActiveSql = "UPDATE users SET is_active = @active WHERE id = @id";
    private const string UpdateLastLoginSql = "UPDATE users SET last_login = @time WHERE id = @id";
    private const string IsActiveSql = "SELECT COUNT(*) FROM users WHERE id = @id AND is_active = 1";
    private const string DeleteSql = "DELETE FROM users WHERE id = @id";

    public User? FindById(long id) => database.Read(c => ReadOne(c, SelectById, ("@id", id)));

    public User? FindByUsername(string username) => database.Read(c => ReadOne(c, SelectByKey, ("@key", Usernames.Key(username))));

    public IReadOnlyList<User> List() => database.Read(c =>
    {
        var command = Database.Command(c, SelectAll);
        using var reader = command.ExecuteReader();
        var users = new List<User>();
        while (reader.Read())
        {
            users.Add(Map(reader));
        }

        return users;
    });

    /// <summary>Creates a user; null when the username is taken (ignoring case).</summary>
    public Task<User?> CreateAsync(string username, string passwordHash, string email, string firstName, string lastName, bool isStaff, string joined) =>
        database.WriteAsync(c =>
        {
            if (ReadOne(c, SelectByKey, ("@key", Usernames.Key(username))) is not null)
            {
                return null;
            }

            var id = Database.Scalar<long>(c, InsertSql,
                ("@username", username), ("@key", Usernames.Key(username)), ("@email", email), ("@first", firstName),
                ("@last", lastName), ("@password", passwordHash), ("@staff", isStaff ? 1 : 0), ("@joined", joined));
            return new User(id, username, email, firstName, lastName, passwordHash, true, isStaff, joined, null);
        });

    public async Task UpdateProfileAsync(long id, string email, string firstName, string lastName)
    {
        await database.WriteAsync(c => Database.Execute(c, UpdateProfileSql, ("@id", id), ("@email", email), ("@first", firstName), ("@last", lastName))).ConfigureAwait(false);
        Interlocked.Increment(ref _profileVersion);
    }

    public Task UpdatePasswordAsync(long id, string passwordHash) =>
        database.WriteAsync(c => Database.Execute(c, UpdatePasswordSql, ("@id", id), ("@password", passwordHash)));

    public Task SetActiveAsync(long id, bool active) =>
        database.WriteAsync(c => Database.Execute(c, UpdateActiveSql, ("@id", id), ("@active", active ? 1 : 0)));

    public Task SetLastLoginAsync(long id, string time) =>
        database.WriteAsync(c => Database.Execute(c, UpdateLastLoginSql, ("@id", id), ("@time", time)));

    public async Task DeleteAsync(long id)
    {
        await database.WriteAsync(c => Database.Execute(c, DeleteSql, ("@id", id))).ConfigureAwait(false);
        Interlocked.Increment(ref _profileVersion);
    }

    public static bool IsActive(DbConnection connection, long id) => Database.Scalar<long>(connection, IsActiveSql, ("@id", id)) == 1;

    private static User? ReadOne(DbConnection connection, string sql, params (string, object?)[] parameters)
    {
        var command = Database.Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Map(reader) : null;
    }

    private static User Map(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetInt64(6) != 0, r.GetInt64(7) != 0, r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9));
}
