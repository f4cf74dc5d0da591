using System.Diagnostics;
using Chatire.Core;
using Chatire.Tests.Foundation;
using Npgsql;

namespace Chatire.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use: the one named by <c>CHATIRE_TEST_PG</c> (a URL whose user may
/// create databases; <c>.ci/run</c> starts one and sets it), or else a throwaway server this test run
/// starts itself with <c>scripts/test-postgres</c> and stops when the run ends. Each test server gets a
/// fresh database of its own (notifications are per database, so servers never hear each other).
/// </summary>
public static class TestPostgres
{
    public const string Variable = "CHATIRE_TEST_PG";

    private static readonly Lazy<string> Server = new(StartOrFind, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _ownDirectory;

    /// <summary>The admin URL of the server (starting one when needed).</summary>
    /// <exception cref="InvalidOperationException">No server is configured and none can be started, with the reason.</exception>
    public static string AdminUrl => Server.Value;

    /// <summary>Creates an empty database and returns its URL.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "chatire_t" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = await OpenAdminAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return WithDatabase(AdminUrl, name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (closing whatever still uses it).</summary>
    public static async Task DropDatabaseAsync(string url)
    {
        var name = url[(url.LastIndexOf('/') + 1)..].Split('?')[0];
        if (!name.StartsWith("chatire_t", StringComparison.Ordinal))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = await OpenAdminAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The URL of the same server with another database.</summary>
    public static string WithDatabase(string url, string database)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        var path = url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3);
        return url[..(path + 1)] + database + (query >= 0 ? url[query..] : "");
    }

    private static async Task<NpgsqlConnection> OpenAdminAsync()
    {
        DatabaseLocation.TryParse(AdminUrl, out var location, out _);
        var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static string StartOrFind()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url)
        {
            return url;
        }

        var script = Path.Combine(ArchitectureTests.FindRepositoryRoot(), "scripts", "test-postgres");
        var directory = Path.Combine(Path.GetTempPath(), "chatire-test-pg-" + Environment.ProcessId);
        var (code, output) = Run(script, "start", directory);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"These tests need PostgreSQL: set {Variable} to a server URL, or install PostgreSQL (apt-get install postgresql) so the tests can start one. scripts/test-postgres said: {output.Trim()}");
        }

        _ownDirectory = directory;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Run(script, "stop", _ownDirectory);
        return output.Trim().Split('\n')[^1];
    }

    private static (int Code, string Output) Run(string script, string action, string directory)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>Which storage a test server runs on.</summary>
public enum TestBackend
{
    Sqlite,
    Postgres,
}
