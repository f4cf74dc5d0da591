using System.Diagnostics;
using Chatire.Hosting;
using Chatire.Storage;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Cli;

/// <summary>One <c>chatire serve</c> per SQLite file; admin commands beside it; a killed server leaves no lock.</summary>
public sealed class ServeLockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-lock").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static void AssertNamesHolderAndPostgres(string message, string databasePath, int pid)
    {
        Assert.Contains($"The database '{Path.GetFullPath(databasePath)}' is in use by process {pid} (", message);
        Assert.Contains("one SQLite file is served by one chatire serve at a time", message);
        Assert.Contains("--db postgres://", message);
    }

    [Fact]
    public async Task SecondServe_InProcess_RefusedWithSentence_ExitCode1()
    {
        await using var server = await TestServer.StartAsync();

        var embedded = await Assert.ThrowsAsync<DatabaseException>(() => ChatireServer.StartAsync(server.Server.Settings with { Port = TestServer.FreePort() }));
        AssertNamesHolderAndPostgres(embedded.Message, server.DatabasePath, Environment.ProcessId);

        var cli = await CliRunner.RunAsync(["serve", "--host", "127.0.0.1", "--port", TestServer.FreePort().ToString(), "--db", server.DatabasePath, "--log-level", "warning"]);
        Assert.Equal(1, cli.ExitCode);
        AssertNamesHolderAndPostgres(cli.Error, server.DatabasePath, Environment.ProcessId);

        Assert.True((await server.Http.GetAsync("/health")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task AdminCommands_BesideRunningServer_Work()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("ann");

        var created = await CliRunner.RunAsync(["user", "create", "bob", "--password-stdin", "--db", server.DatabasePath], stdin: "correct-horse-battery\n");
        var listed = await CliRunner.RunAsync(["user", "list", "--db", server.DatabasePath]);
        var token = await CliRunner.RunAsync(["token", "create", "ann", "--db", server.DatabasePath]);
        var checkedDb = await CliRunner.RunAsync(["db", "check", "--db", server.DatabasePath]);

        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("ann", listed.Out);
        Assert.Equal(0, token.ExitCode);
        Assert.True(checkedDb.ExitCode == 0, checkedDb.Error);
        Assert.Equal(200, (await server.Api.SendAsync(HttpMethod.Get, "/auth/users/me/", token: token.Out.Trim(), scheme: "Token")).Code);
        await server.Api.LoginAsync("bob");
    }

    [Fact]
    public async Task StoppedServer_ReleasesTheFile()
    {
        var settings = TestServer.DefaultSettings(_directory) with { Port = TestServer.FreePort(), LogLevel = "warning" };
        await (await ChatireServer.StartAsync(settings)).DisposeAsync();

        await using var again = await ChatireServer.StartAsync(settings with { Port = TestServer.FreePort() });
        Assert.True(File.Exists(ServeLock.PathFor(settings.DatabasePath)));
    }

    [Fact]
    public async Task SecondServe_Process_Exits1NamingTheHolder_AndKilledHolderDoesNotBlockRestart()
    {
        var db = Path.Combine(_directory, "chatire.db");
        await using (var first = await ChildServer.StartAsync(db))
        {
            var (code, error) = await RunToExitAsync(["serve", "--host", "127.0.0.1", "--port", TestServer.FreePort().ToString(), "--db", db]);

            Assert.Equal(1, code);
            AssertNamesHolderAndPostgres(error, db, first.ProcessId);
            Assert.Contains("serve", error[error.IndexOf($"process {first.ProcessId}", StringComparison.Ordinal)..]);
            await first.Api.SignUpAsync("ann");
            await first.KillHardAsync();
        }

        await using var restarted = await ChildServer.StartAsync(db);
        await restarted.Api.LoginAsync("ann");
    }

    private static async Task<(int Code, string Error)> RunToExitAsync(string[] args)
    {
        var info = new ProcessStartInfo(ChildServer.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        await output;
        return (process.ExitCode, await error);
    }
}
