using Chatire.Storage;
using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Cli;

public sealed class DbCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatire-tests", "db-" + Guid.NewGuid().ToString("N"));

    public DbCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Backup_WhileServerIsWriting_CopyOpensWithTheRows()
    {
        await using var server = await TestServer.StartAsync();
        var users = server.Server.Users;
        for (var i = 0; i < 50; i++)
        {
            await users.CreateAsync($"before{i}", "hash", "", "", "", false, "2026-01-01T00:00:00.000Z");
        }

        using var stopWriting = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                await users.CreateAsync($"during{written}", "hash", "", "", "", false, "2026-01-01T00:00:00.000Z");
                written++;
            }
        });

        var backup = Path.Combine(_directory, "backup.db");
        var result = await CliRunner.RunAsync(["db", "backup", backup, "--db", server.DatabasePath]);
        await stopWriting.CancelAsync();
        await writer;

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Backed up", result.Out);
        Assert.False(File.Exists(backup + "-wal"));
        using var copy = OpenRaw(backup);
        var count = Scalar(copy, "SELECT count(*) FROM users");
        Assert.InRange(count, 50, 50 + written);
        Assert.Equal(50, Scalar(copy, "SELECT count(*) FROM users WHERE username LIKE 'before%'"));
        Assert.Equal("ok", Text(copy, "PRAGMA integrity_check"));
        Assert.Equal(Migrations.LatestVersion, Scalar(copy, "PRAGMA user_version"));
        Assert.Empty(Directory.GetFiles(_directory, "*.partial-*"));
    }

    [Fact]
    public async Task Backup_DestinationExists_RefusedWithoutForce()
    {
        await using var server = await TestServer.StartAsync();
        var backup = Path.Combine(_directory, "backup.db");
        await File.WriteAllTextAsync(backup, "keep me");

        var refused = await CliRunner.RunAsync(["db", "backup", backup, "--db", server.DatabasePath]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Error);
        Assert.Equal("keep me", await File.ReadAllTextAsync(backup));

        var forced = await CliRunner.RunAsync(["db", "backup", backup, "--force", "--db", server.DatabasePath]);
        Assert.True(forced.ExitCode == 0, forced.Error);
        using var copy = OpenRaw(backup);
        Assert.Equal(Migrations.LatestVersion, Scalar(copy, "PRAGMA user_version"));
    }

    [Fact]
    public async Task Backup_MissingDatabase_FailsWithoutCreatingIt()
    {
        var missing = Path.Combine(_directory, "missing.db");

        var result = await CliRunner.RunAsync(["db", "backup", Path.Combine(_directory, "backup.db"), "--db", missing]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("There is no database at", result.Error);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Check_RunningServersDatabase_ReportsOk()
    {
        await using var server = await TestServer.StartAsync();
        await server.Server.Users.CreateAsync("alice", "hash", "", "", "", false, "2026-01-01T00:00:00.000Z");

        var result = await CliRunner.RunAsync(["db", "check", "--db", server.DatabasePath]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.EndsWith("ok", result.Out.TrimEnd());
        Assert.Contains($"schema version: {Migrations.LatestVersion}", result.Out);
    }

    [Fact]
    public async Task Check_NewerSchemaVersion_ReportsFailure()
    {
        var path = await CreateDatabaseAsync();
        using (var connection = OpenRaw(path))
        {
            Execute(connection, $"PRAGMA user_version = {Migrations.LatestVersion + 1}");
        }

        var result = await CliRunner.RunAsync(["db", "check", "--db", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not ok", result.Out);
        Assert.Contains("newer than this chatire knows", result.Error);
    }

    [Fact]
    public async Task Check_CorruptedPages_ReportsFailure()
    {
        var path = await CreateDatabaseAsync(rows: 200);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 4096 * 3, "the test database should span several pages");
        Array.Fill(bytes, (byte)0xA5, 4096 * 2, 4096);
        await File.WriteAllBytesAsync(path, bytes);

        var result = await CliRunner.RunAsync(["db", "check", "--db", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not ok", result.Out);
        Assert.Contains("problem:", result.Error);
    }

    [Fact]
    public async Task Check_NotADatabase_ReportsFailure()
    {
        var path = Path.Combine(_directory, "notes.db");
        await File.WriteAllTextAsync(path, new string('x', 8192));

        var result = await CliRunner.RunAsync(["db", "check", "--db", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot be read as a SQLite database", result.Error);
    }

    [Fact]
    public async Task Check_MissingFile_ReportsFailureWithoutCreatingIt()
    {
        var path = Path.Combine(_directory, "missing.db");

        var result = await CliRunner.RunAsync(["db", "check", "--db", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Error);
        Assert.False(File.Exists(path));
    }

    /// <summary>A migrated database with <paramref name="rows"/> users, closed (WAL checkpointed into the file).</summary>
    private async Task<string> CreateDatabaseAsync(int rows = 0)
    {
        var path = Path.Combine(_directory, "chatire.db");
        await using (var database = Database.Open(path))
        {
            var users = new UserStore(database);
            for (var i = 0; i < rows; i++)
            {
                await users.CreateAsync($"user{i}-{new string('n', 100)}", new string('h', 200), "", "", "", false, "2026-01-01T00:00:00.000Z");
            }
        }

        return path;
    }

    private static SqliteConnection OpenRaw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static string Text(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
    }
}
