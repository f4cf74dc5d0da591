using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Cli;

/// <summary>A typo in --db must not leave a new, empty database behind: only <c>user create</c> and
/// <c>serve</c> create one, and they say so.</summary>
public sealed class MissingDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-missing-db").FullName;

    private string Typo => Path.Combine(_directory, "chatre.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("user list")]
    [InlineData("user set-password alice --password-stdin")]
    [InlineData("user deactivate alice")]
    [InlineData("user activate alice")]
    [InlineData("user delete alice")]
    [InlineData("token create alice")]
    [InlineData("token list")]
    [InlineData("token revoke 1")]
    [InlineData("db backup backup.db")]
    public async Task AdminCommand_MissingDatabase_Exits1WithSentenceAndCreatesNothing(string command)
    {
        var args = command.Replace("backup.db", Path.Combine(_directory, "backup.db"), StringComparison.Ordinal).Split(' ');

        var result = await CliRunner.RunAsync([.. args, "--db", Typo], "Tr0ub4dor&3-horse\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("There is no database at", result.Error);
        Assert.Contains("chatre.db", result.Error);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public async Task UserCreate_MissingDatabase_CreatesItAndSaysSoOnce()
    {
        var first = await CliRunner.RunAsync(["user", "create", "alice", "--password-stdin", "--db", Typo], "Tr0ub4dor&3-horse\n",
            new Dictionary<string, string> { ["CHATIRE_BCRYPT_COST"] = "4" });
        var second = await CliRunner.RunAsync(["user", "create", "bob", "--password-stdin", "--db", Typo], "Tr0ub4dor&3-horse\n",
            new Dictionary<string, string> { ["CHATIRE_BCRYPT_COST"] = "4" });

        Assert.Equal(0, first.ExitCode);
        Assert.Contains($"Created new database {Typo}.", first.Error);
        Assert.True(File.Exists(Typo));
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("Created new database", second.Error);
    }

    [Fact]
    public async Task Serve_MissingDatabase_LogsThatItCreatedIt()
    {
        await using var server = await TestServer.StartAsync();

        Assert.Single(server.Logs.Lines, l => l.Contains("Created new database", StringComparison.Ordinal) && l.Contains(server.DatabasePath, StringComparison.Ordinal));
    }
}
