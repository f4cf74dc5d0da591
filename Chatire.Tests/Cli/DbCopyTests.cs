using System.Text;
using Chatire.Storage;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Realtime;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Cli;

/// <summary><c>db copy</c> between SQLite and PostgreSQL, <c>db check</c> and <c>db backup</c> on PostgreSQL.</summary>
public sealed class DbCopyTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatire-tests", "copy-" + Guid.NewGuid().ToString("N"));
    private string _postgres = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _postgres = await TestPostgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await TestPostgres.DropDatabaseAsync(_postgres);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Every copied table, row by row in id order, as text.</summary>
    private static async Task<string> DumpAsync(string database)
    {
        await using var db = Database.Open(database);
        return db.Read(c =>
        {
            var text = new StringBuilder();
            foreach (var (table, columns) in DatabaseCopy.Tables)
            {
                var command = Database.Command(c, $"SELECT {string.Join(", ", columns)} FROM {table} ORDER BY {columns[0]}");
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    text.Append(table);
                    for (var i = 0; i < columns.Length; i++)
                    {
                        text.Append('|').Append(reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                    }

                    text.Append('\n');
                }
            }

            return text.ToString();
        });
    }

    [Fact]
    public void Tables_CoverEveryColumnOfTheSqliteSchema()
    {
        var path = Path.Combine(_directory, "schema.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Migrations.Apply(connection);
            foreach (var (table, columns) in DatabaseCopy.Tables)
            {
                var command = Database.Command(connection, $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid");
                using var reader = command.ExecuteReader();
                var actual = new List<string>();
                while (reader.Read())
                {
                    actual.Add(reader.GetString(0));
                }

                Assert.Equal(actual, columns);
            }
        }
    }

    [Fact]
    public async Task Copy_SqliteToPostgresAndBack_PreservesEveryRowAndId()
    {
        var original = Path.Combine(_directory, "original.db");
        await using (var server = await TestServer.StartAsync(s => s with { DatabasePath = original, MessageRate = 0 }))
        {
            var room = await server.RoomAsync();
            for (var i = 0; i < 30; i++)
            {
                await server.Api.PostMessageAsync(i % 2 == 0 ? room.Owner.Token : room.Member.Token, room.Uri, $"message {i} ✓", i % 3 == 0 ? $"c{i}" : null);
            }

            var history = (await server.Api.GetAsync($"/api/chats/{room.Uri}/messages/", room.Owner.Token)).Body["messages"]!.AsArray();
            await server.Api.PatchAsync($"/api/chats/{room.Uri}/", ApiClient.Json(("name", "copied")), room.Owner.Token);
            await server.Api.PatchAsync($"/api/chats/{room.Uri}/messages/{history[0]!["id"]}/", ApiClient.Json(("message", "edited ✓")), room.Owner.Token);
            await server.Api.DeleteAsync($"/api/chats/{room.Uri}/messages/{history[1]!["id"]}/", room.Owner.Token);
            await server.Api.PostAsync($"/api/chats/{room.Uri}/read/", ApiClient.Json(("up_to", history[5]!["id"]!.GetValue<long>())), room.Member.Token);

            await server.Api.LoginAsync("alice");
        }

        var toPostgres = await CliRunner.RunAsync(["db", "copy", "--from", original, "--to", _postgres]);
        var back = Path.Combine(_directory, "back.db");
        var toSqlite = await CliRunner.RunAsync(["db", "copy", "--from", _postgres, "--to", back]);

        Assert.True(toPostgres.ExitCode == 0, toPostgres.Error);
        Assert.True(toSqlite.ExitCode == 0, toSqlite.Error);
        Assert.Contains("messages: 30", toPostgres.Out, StringComparison.Ordinal);
        Assert.Contains("messages", toPostgres.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("chatire:chatire@", toPostgres.Out, StringComparison.Ordinal);
        var dump = await DumpAsync(original);
        Assert.Equal(dump, await DumpAsync(_postgres));
        Assert.Equal(dump, await DumpAsync(back));
        Assert.Equal(0, (await CliRunner.RunAsync(["db", "check", "--db", _postgres])).ExitCode);
    }

    [Fact]
    public async Task Copy_IntoPostgres_ServerThenStoresNewRowsAfterTheCopiedIdsAndSeqs()
    {
        var original = Path.Combine(_directory, "original.db");
        long lastId;
        await using (var server = await TestServer.StartAsync(s => s with { DatabasePath = original, MessageRate = 0 }))
        {
            var room = await server.RoomAsync();
            var id = (await server.Api.PostMessageAsync(room.Owner.Token, room.Uri, "before"))["id"]!.GetValue<long>();
            await server.Api.PatchAsync($"/api/chats/{room.Uri}/messages/{id}/", ApiClient.Json(("message", "edit 1")), room.Owner.Token);
            await server.Api.PatchAsync($"/api/chats/{room.Uri}/messages/{id}/", ApiClient.Json(("message", "edit 2")), room.Owner.Token);
            lastId = server.Server.Database.Read(c => Database.Scalar<long>(c, "SELECT MAX(seq) FROM message_changes"));
            Assert.True(lastId > id);
        }

        Assert.Equal(0, (await CliRunner.RunAsync(["db", "copy", "--from", original, "--to", _postgres])).ExitCode);

        await using var node = await TestServer.StartAsync(backend: TestBackend.Postgres, database: _postgres);
        node.KeepDatabase();
        var alice = await node.Api.LoginAsync("alice");
        var uri = await node.Api.CreateChatAsync(alice.Access);
        var next = await node.Api.PostMessageAsync(alice.Access, uri, "after");
        Assert.True(next["id"]!.GetValue<long>() > lastId);
    }

    [Fact]
    public async Task Copy_IntoNonEmptyTarget_RefusesAndChangesNothing()
    {
        var original = Path.Combine(_directory, "original.db");
        await using (var server = await TestServer.StartAsync(s => s with { DatabasePath = original }))
        {
            await server.CreateUserAsync("alice");
        }

        await using (var node = await TestServer.StartAsync(backend: TestBackend.Postgres, database: _postgres))
        {
            node.KeepDatabase();
            await node.CreateUserAsync("zed");
        }

        var before = await DumpAsync(_postgres);
        var result = await CliRunner.RunAsync(["db", "copy", "--from", original, "--to", _postgres]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already holds data", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await DumpAsync(_postgres));
    }

    [Fact]
    public async Task Copy_FailingHalfway_LeavesTargetEmpty()
    {
        var original = Path.Combine(_directory, "original.db");
        await using (var server = await TestServer.StartAsync(s => s with { DatabasePath = original, MessageRate = 0 }))
        {
            var room = await server.RoomAsync();
            await server.Api.PostMessageAsync(room.Owner.Token, room.Uri, "hello");
        }

        // A message whose author is gone: the target's foreign key refuses it, after users, tokens and chats were copied.
        using (var connection = new SqliteConnection($"Data Source={original};Pooling=False"))
        {
            connection.Open();
            Database.Execute(connection, "PRAGMA foreign_keys = OFF");
            Database.Execute(connection, "INSERT INTO messages (chat_id, user_id, message, created) VALUES (1, 999, 'orphan', '2026-01-01T00:00:00.000Z')");
        }

        var result = await CliRunner.RunAsync(["db", "copy", "--from", original, "--to", _postgres]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("left unchanged", result.Error, StringComparison.Ordinal);
        await using var target = Database.Open(_postgres);
        Assert.Equal(0L, target.Read(c => Database.Scalar<long>(c, "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM chats) + (SELECT COUNT(*) FROM messages)")));
    }

    [Fact]
    public async Task Backup_OnPostgres_SaysToUsePgDump()
    {
        var result = await CliRunner.RunAsync(["db", "backup", Path.Combine(_directory, "x.db"), "--db", _postgres]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("pg_dump", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_OnPostgres_FindsAnIdGeneratorBehindItsRows()
    {
        await using (var node = await TestServer.StartAsync(backend: TestBackend.Postgres, database: _postgres))
        {
            node.KeepDatabase();
            await node.CreateUserAsync("alice");
            await node.CreateUserAsync("bob");
        }

        Assert.Equal(0, (await CliRunner.RunAsync(["db", "check", "--db", _postgres])).ExitCode);
        await using (var db = Database.Open(_postgres))
        {
            await db.WriteAsync(c => Database.Execute(c, "SELECT setval(pg_get_serial_sequence('users', 'id'), 1)"));
        }

        var result = await CliRunner.RunAsync(["db", "check", "--db", _postgres]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("id generator of users", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("chatire:chatire@", result.Out, StringComparison.Ordinal);
    }
}
