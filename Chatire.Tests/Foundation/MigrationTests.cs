using Chatire.Storage;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Foundation;

public sealed class MigrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-migrations").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string DbPath => Path.Combine(_directory, "chatire.db");

    [Fact]
    public async Task Open_NewFile_CreatesLatestSchemaWithWal()
    {
        await using (var database = Database.Open(DbPath))
        {
            database.Read(c =>
            {
                Assert.Equal(Migrations.LatestVersion, Migrations.CurrentVersion(c));
                Assert.Equal("wal", Database.Scalar<string>(c, "PRAGMA journal_mode"));
                foreach (var table in new[] { "users", "tokens", "chats", "members", "messages" })
                {
                    Assert.Equal(1L, Database.Scalar<long>(c, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name", ("$name", table)));
                }

                return true;
            });
        }
    }

    [Fact]
    public async Task Open_EveryOlderVersion_MigratesToLatest()
    {
        for (var start = 0; start < Migrations.LatestVersion; start++)
        {
            var path = Path.Combine(_directory, $"v{start}.db");
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                Migrations.Apply(connection, upTo: start);
            }

            await using var database = Database.Open(path);
            Assert.Equal(Migrations.LatestVersion, database.Read(Migrations.CurrentVersion));
        }
    }

    [Fact]
    public async Task Open_Version1WithAUser_AddsEmptyBioAndImageAndTheSecretsTable()
    {
        var path = Path.Combine(_directory, "v1.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Migrations.Apply(connection, upTo: 1);
            Database.Execute(connection, "INSERT INTO users (username, username_key, email, password, date_joined) VALUES ('ann', 'ann', 'Ann@Example.com', 'x', 'now')");
        }

        await using var database = Database.Open(path);

        var users = new UserStore(database);
        var ann = Assert.Single(users.FindByEmail("ann@example.COM"));
        Assert.Equal(("", ""), (ann.Bio, ann.Image));
        Assert.Null(database.Read(c => SecretStore.Find(c, SecretStore.TokenSigningKey)));
    }

    [Fact]
    public void Open_NewerSchema_IsRefusedWithSentence()
    {
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            Database.Execute(connection, $"PRAGMA user_version = {Migrations.LatestVersion + 5}");
        }

        var error = Assert.Throws<DatabaseException>(() => Database.Open(DbPath));

        Assert.Contains("newer chatire", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_OneFailingWriteInABatch_OthersCommit()
    {
        await using var database = Database.Open(DbPath);
        var writes = Enumerable.Range(0, 50).Select(i => i == 25
            ? database.WriteAsync(c => Database.Execute(c, "INSERT INTO nowhere VALUES (1)"))
            : database.WriteAsync(c => Database.Execute(c,
                "INSERT INTO users (username, username_key, password, date_joined) VALUES ($u, $u, 'x', 'now')", ("$u", $"user{i}")))).ToList();

        var failure = await Assert.ThrowsAsync<SqliteException>(() => writes[25]);
        await Task.WhenAll(writes.Where((_, i) => i != 25));

        Assert.Equal(49L, database.Read(c => Database.Scalar<long>(c, "SELECT COUNT(*) FROM users")));
        Assert.Contains("nowhere", failure.Message, StringComparison.Ordinal);
    }
}
