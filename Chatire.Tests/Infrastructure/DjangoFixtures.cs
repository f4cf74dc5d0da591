using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Infrastructure;

/// <summary>
/// The data a real Django Chatire wrote (shared/fixtures beside the repository): the manifest with every
/// user's plain password, and the database holding Django's own hashes.
/// </summary>
public static class DjangoFixtures
{
    public sealed record User(string Username, string Password, string HashKind, bool IsActive, string PasswordHash);

    private static readonly Lazy<string> FixturesDirectory = new(Find);
    private static readonly Lazy<IReadOnlyList<User>> AllUsers = new(ReadUsers);

    /// <summary>The folder holding django-chatire.json and django-chatire.sqlite3.</summary>
    public static string Directory => FixturesDirectory.Value;

    public static string DatabasePath => Path.Combine(Directory, "django-chatire.sqlite3");

    public static string ManifestPath => Path.Combine(Directory, "django-chatire.json");

    public static IReadOnlyList<User> Users => AllUsers.Value;

    public static User UserNamed(string username) => Users.Single(u => u.Username == username);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "fixtures");
            if (File.Exists(Path.Combine(candidate, "django-chatire.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No shared/fixtures/django-chatire.json above {AppContext.BaseDirectory}: clone the repository beside shared/.");
    }

    private static IReadOnlyList<User> ReadUsers()
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

        var manifest = JsonNode.Parse(File.ReadAllText(ManifestPath))!;
        return manifest["users"]!.AsArray()
            .Select(u => new User(
                (string)u!["username"]!,
                (string)u["password"]!,
                (string)u["hash_kind"]!,
                (bool)u["is_active"]!,
                hashes[(string)u["username"]!]))
            .ToList();
    }
}
