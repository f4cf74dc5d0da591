using Chatire.Core;
using Chatire.Storage;
using Chatire.Tests.Infrastructure;
using Npgsql;

namespace Chatire.Tests.Foundation;

/// <summary>The PostgreSQL schema: migrated from every older version, a newer one refused, and step for step the same as SQLite's.</summary>
public sealed class PostgresMigrationTests : IAsyncLifetime
{
    private string _url = null!;

    public async Task InitializeAsync() => _url = await TestPostgres.CreateDatabaseAsync();

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_url);

    private NpgsqlConnection Connect()
    {
        DatabaseLocation.TryParse(_url, out var location, out _);
        var connection = new NpgsqlConnection(location.ConnectionString);
        connection.Open();
        return connection;
    }

    [Fact]
    public void Scripts_OneStepPerVersionInBothDialects()
    {
        Assert.Equal(Migrations.Scripts.Count, Migrations.PostgresScripts.Count);
    }

    [Fact]
    public async Task Open_EmptyDatabase_CreatesLatestSchema()
    {
        await using var database = Database.Open(_url);

        Assert.Equal(SqlDialect.Postgres, database.Dialect);
        database.Read(c =>
        {
            Assert.Equal(Migrations.LatestVersion, Migrations.CurrentVersion(c));
            foreach (var table in new[] { "users", "tokens", "chats", "members", "messages" })
            {
                Assert.Equal(1L, Database.Scalar<long>(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @name", ("@name", table)));
            }

            return true;
        });
    }

    [Fact]
    public async Task Open_EveryOlderVersion_MigratesToLatest()
    {
        for (var start = 0; start < Migrations.LatestVersion; start++)
        {
            var url = await TestPostgres.CreateDatabaseAsync();
            try
            {
                DatabaseLocation.TryParse(url, out var location, out _);
                using (var connection = new NpgsqlConnection(location.ConnectionString))
                {
                    connection.Open();
                    Migrations.Apply(connection, upTo: start);
                }

                await using var database = Database.Open(url);
                Assert.Equal(Migrations.LatestVersion, database.Read(Migrations.CurrentVersion));
            }
            finally
            {
                await TestPostgres.DropDatabaseAsync(url);
            }
        }
    }

    [Fact]
    public async Task Open_TwoNodesAtOnce_MigrateOnce()
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Database.Open(_url))));

        foreach (var database in opened)
        {
            Assert.Equal(Migrations.LatestVersion, database.Read(Migrations.CurrentVersion));
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Open_NewerSchema_IsRefusedWithSentence()
    {
        await Database.Open(_url).DisposeAsync();
        using (var connection = Connect())
        {
            Database.Execute(connection, "UPDATE chatire_schema SET version = @v", ("@v", (long)Migrations.LatestVersion + 5));
        }

        var error = Assert.Throws<DatabaseException>(() => Database.Open(_url));

        Assert.Contains("newer chatire", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Unreachable_SaysWhereWithoutPassword()
    {
        var error = Assert.Throws<DatabaseException>(() => Database.Open("postgres://chatire:s3cret-pw@127.0.0.1:1/nowhere"));

        Assert.Contains("postgres://chatire:***@127.0.0.1:1/nowhere", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteInOrder_OneFailingWriteInABatch_OthersCommitInOrder()
    {
        await using var database = Database.Open(_url);
        var writes = Enumerable.Range(0, 60).Select(i => i == 30
            ? database.WriteInOrderAsync(7, c => Database.Scalar<long>(c, "INSERT INTO nowhere VALUES (1) RETURNING 1"))
            : database.WriteInOrderAsync(7, c => Database.Scalar<long>(c,
                "INSERT INTO users (username, username_key, password, date_joined) VALUES (@u, @u, 'x', 'now') RETURNING id", ("@u", $"user{i}")))).ToList();

        await Assert.ThrowsAsync<PostgresException>(() => writes[30]);
        var ids = await Task.WhenAll(writes.Where((_, i) => i != 30));

        Assert.Equal(59L, database.Read(c => Database.Scalar<long>(c, "SELECT COUNT(*) FROM users")));
        Assert.Equal(ids.Order(), ids);
    }
}
