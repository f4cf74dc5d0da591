using System.Diagnostics;
using System.Globalization;
using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Chatire.Tests.Import;

/// <summary>An import of a large Django history: complete and in order. Its time is written to the test
/// output (BENCHMARKS.md states the bound measured here), not asserted.</summary>
public sealed class ImportDjangoLargeTests(ITestOutputHelper output) : IDisposable
{
    private const int MessageCount = 200_000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatire-tests", "import-large-" + Guid.NewGuid().ToString("N"));

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
    public async Task Import_200000Messages_AllArriveInOrder()
    {
        Directory.CreateDirectory(_directory);
        var source = DjangoFixture.CopyTo(Path.Combine(_directory, "large.sqlite3"));
        var built = Stopwatch.StartNew();
        AddMessages(source, MessageCount);
        output.WriteLine($"built a source with {MessageCount:N0} more messages in {built.Elapsed.TotalSeconds:0.00} s");

        var target = Path.Combine(_directory, "chatire.db");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.StartNew();
        var result = await CliRunner.RunAsync(["db", "import-django", source, "--db", target]);
        var elapsed = started.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        Assert.True(result.ExitCode == 0, result.Error);
        var total = MessageCount + 63;
        Assert.Contains($"messages: {total}", result.Out);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {total:N0} messages in {elapsed.TotalSeconds:0.00} s ({cpu.TotalSeconds:0.00} s of CPU): {total / elapsed.TotalSeconds:N0} messages/s"));

        using var check = new DjangoSql(target, readOnly: true);
        Assert.Equal(total, check.Scalar("SELECT count(*) FROM messages"));
        Assert.Equal(total, check.Scalar("SELECT max(id) FROM messages"));
        Assert.Equal("large #199999", check.Text("SELECT message FROM messages ORDER BY id DESC LIMIT 1"));
        Assert.Equal(0, check.Scalar("SELECT count(*) FROM messages a JOIN messages b ON b.id = a.id + 1 WHERE b.created < a.created"));
    }

    /// <summary>Adds <paramref name="count"/> messages, one second apart with microseconds as Django
    /// writes them, spread over the fixture's chats and their members; built inside SQLite in one statement.</summary>
    private static void AddMessages(string path, int count)
    {
        using var sql = new DjangoSql(path);
        sql.Execute("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $last)
            INSERT INTO chat_chatsessionmessage (create_date, update_date, message, chat_session_id, user_id)
            SELECT t, t, CASE WHEN i = $last THEN 'large #' || i ELSE 'message number ' || i || ' in a long history, with some words to give it a typical length' END,
                   i % 3 + 1, CASE i % 3 WHEN 0 THEN 1 + i % 4 WHEN 1 THEN 2 ELSE 3 END
            FROM (SELECT i, strftime('%Y-%m-%d %H:%M:%S', '2027-01-01', '+' || i || ' seconds') || printf('.%06d', i % 1000000) AS t FROM n)
            """, ("$last", count - 1));
    }
}
