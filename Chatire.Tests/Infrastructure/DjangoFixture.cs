using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Infrastructure;

/// <summary>The Django Chatire test data in <c>shared/fixtures</c> (beside the repository): the database
/// Django wrote and its manifest of what it holds.</summary>
public static class DjangoFixture
{
    public sealed record User(long Id, string Username, string Password, string HashKind, string Email, string FirstName, string LastName, bool IsActive, bool IsStaff);

    public sealed record Message(long Id, string User, string Text, string Created);

    public sealed record Chat(string Uri, string Owner, IReadOnlyList<string> Members, IReadOnlyList<Message> Messages);

    public sealed record Token(string User, string Key);

    public sealed record Manifest(IReadOnlyList<User> Users, IReadOnlyList<Chat> Chats, IReadOnlyList<Token> Tokens);

    /// <summary>A manifest user with the hash Django stored for it.</summary>
    public sealed record HashedUser(string Username, string Password, string HashKind, bool IsActive, string PasswordHash);

    private static readonly Lazy<string> FixturesDirectory = new(Find);
    private static readonly Lazy<IReadOnlyList<HashedUser>> AllHashedUsers = new(ReadHashedUsers);

    /// <summary>Every manifest user with Django's hash from the database.</summary>
    public static IReadOnlyList<HashedUser> HashedUsers => AllHashedUsers.Value;

    public static HashedUser HashedUserNamed(string username) => HashedUsers.Single(u => u.Username == username);

    public static string DatabasePath => Path.Combine(FixturesDirectory.Value, "django-chatire.sqlite3");

    public static Manifest Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixturesDirectory.Value, "django-chatire.json")));
        var root = document.RootElement;
        var users = root.GetProperty("users").EnumerateArray().Select(u => new User(
            u.GetProperty("id").GetInt64(), S(u, "username"), S(u, "password"), S(u, "hash_kind"), S(u, "email"), S(u, "first_name"), S(u, "last_name"),
            u.GetProperty("is_active").GetBoolean(), u.GetProperty("is_staff").GetBoolean())).ToList();
        var chats = root.GetProperty("chats").EnumerateArray().Select(c => new Chat(
            S(c, "uri"), S(c, "owner"),
            c.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToList(),
            c.GetProperty("messages").EnumerateArray().Select(m => new Message(m.GetProperty("id").GetInt64(), S(m, "user"), S(m, "message"), S(m, "created"))).ToList())).ToList();
        var tokens = root.GetProperty("tokens").EnumerateArray().Select(t => new Token(S(t, "user"), S(t, "key"))).ToList();
        return new Manifest(users, chats, tokens);
    }

    /// <summary>A manifest time (ISO-8601 with microseconds and offset) as Chatire writes it: UTC, milliseconds, truncated.</summary>
    public static string ChatireTime(string isoTime)
    {
        var time = DateTimeOffset.Parse(isoTime, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        return time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>A writable copy of the fixture database at <paramref name="path"/>.</summary>
    public static string CopyTo(string path)
    {
        File.Copy(DatabasePath, path, overwrite: true);
        File.SetAttributes(path, FileAttributes.Normal);
        return path;
    }

    private static List<HashedUser> ReadHashedUsers()
    {
        var hashes = new Dictionary<string, string>();
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT username, password FROM auth_user";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                hashes[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return [.. Load().Users.Select(u => new HashedUser(u.Username, u.Password, u.HashKind, u.IsActive, hashes[u.Username]))];
    }

    private static string S(JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "fixtures");
            if (File.Exists(Path.Combine(candidate, "django-chatire.sqlite3")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("shared/fixtures/django-chatire.sqlite3 was not found above the test binaries (the repository is cloned next to shared/).");
    }
}
