using System.Data.Common;
using Chatire.Core;

namespace Chatire.Storage;

/// <summary>The users table.</summary>
public sealed class UserStore(Database database)
{
    private long _profileVersion;

    /// <summary>Changes whenever this process changes or deletes a user (what copies of user fields, such
    /// as cached message authors, must not outlive).</summary>
    public long ProfileVersion => Interlocked.Read(ref _profileVersion);

    private const string Columns = "id, username, email, first_name, last_name, password, is_active, is_staff, date_joined, last_login, bio, image";
    private const string SelectById = $"SELECT {Columns} FROM users WHERE id = @id";
    private const string SelectByKey = $"SELECT {Columns} FROM users WHERE username_key = @key";
    // lower() folds only ASCII letters on SQLite (an email differing from the stored one in the case of
    // another letter is not found there); the candidates are compared again with the full case folding.
    private const string SelectByEmail = $"SELECT {Columns} FROM users WHERE email <> '' AND lower(email) = lower(@email) ORDER BY id";
    private const string SelectAll = $"SELECT {Columns} FROM users ORDER BY id";
    private const string InsertSql = """
        INSERT INTO users (username, username_key, email, first_name, last_name, password, is_active, is_staff, date_joined)
        VALUES (@username, @key, @email, @first, @last, @password, 1, @staff, @joined)
        RETURNING id
        """;
    private const string UpdateProfileSql = "UPDATE users SET email = @email, first_name = @first, last_name = @last WHERE id = @id";
    private const string UpdateAccountSql = """
        UPDATE users SET username = @username, username_key = @key, email = @email, first_name = @first, last_name = @last, bio = @bio, image = @image
        WHERE id = @id
        """;
    private const string UpdatePasswordSql = "UPDATE users SET password = @password WHERE id = @id";
    private const string UpdateActiveSql = "UPDATE users SET is_active = @active WHERE id = @id";
    private const string UpdateLastLoginSql = "UPDATE users SET last_login = @time WHERE id = @id";
    private const string IsActiveSql = "SELECT COUNT(*) FROM users WHERE id = @id AND is_active = 1";
    private const string DeleteSql = "DELETE FROM users WHERE id = @id";

    public User? FindById(long id) => database.Read(c => ReadOne(c, SelectById, ("@id", id)));

    public User? FindByUsername(string username) => database.Read(c => ReadOne(c, SelectByKey, ("@key", Usernames.Key(username))));

    public static User? FindById(DbConnection connection, long id) => ReadOne(connection, SelectById, ("@id", id));

    /// <summary>Every user whose email is <paramref name="email"/> ignoring case (emails are not unique in general).</summary>
    public IReadOnlyList<User> FindByEmail(string email) => database.Read(c => FindByEmail(c, email));

    private static List<User> FindByEmail(DbConnection connection, string email)
    {
        var command = Database.Command(connection, SelectByEmail, ("@email", email));
        using var reader = command.ExecuteReader();
        var users = new List<User>();
        while (reader.Read())
        {
            var user = Map(reader);
            if (Usernames.Key(user.Email) == Usernames.Key(email))
            {
                users.Add(user);
            }
        }

        return users;
    }

    private static bool EmailTaken(DbConnection connection, string email, long? exceptId) =>
        email.Length > 0 && FindByEmail(connection, email).Any(u => u.Id != exceptId);

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

    /// <summary>Creates a user; null when the username is taken (ignoring case), or, with
    /// <paramref name="uniqueEmail"/>, the email is another user's.</summary>
    public Task<User?> CreateAsync(string username, string passwordHash, string email, string firstName, string lastName, bool isStaff, string joined, bool uniqueEmail = false) =>
        database.WriteAsync(c =>
        {
            if (ReadOne(c, SelectByKey, ("@key", Usernames.Key(username))) is not null || (uniqueEmail && EmailTaken(c, email, null)))
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

    /// <summary>Stores the username, email, names, bio and image of <paramref name="updated"/>; false (nothing
    /// changed) when the username is another user's, or, with <paramref name="uniqueEmail"/>, the email is.</summary>
    public async Task<bool> UpdateAccountAsync(User updated, bool uniqueEmail)
    {
        var key = Usernames.Key(updated.Username);
        var stored = await database.WriteAsync(c =>
        {
            if ((ReadOne(c, SelectByKey, ("@key", key)) is { } owner && owner.Id != updated.Id) || (uniqueEmail && EmailTaken(c, updated.Email, updated.Id)))
            {
                return false;
            }

            Database.Execute(c, UpdateAccountSql, ("@id", updated.Id), ("@username", updated.Username), ("@key", key), ("@email", updated.Email),
                ("@first", updated.FirstName), ("@last", updated.LastName), ("@bio", updated.Bio), ("@image", updated.Image));
            return true;
        }).ConfigureAwait(false);
        Interlocked.Increment(ref _profileVersion);
        return stored;
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
        r.GetInt64(6) != 0, r.GetInt64(7) != 0, r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetString(10), r.GetString(11));
}
