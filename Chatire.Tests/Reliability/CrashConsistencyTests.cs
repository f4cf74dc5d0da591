using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Chatire.Tests.Reliability;

/// <summary>
/// kill -9 the real executable while clients post over HTTP and WebSocket, restart it, and check
/// every acknowledged message is stored exactly once, ids still increase and the database is intact
/// (SQLite's integrity check; on PostgreSQL, db check). CHATIRE_CRASH_RUNS sets the number of runs
/// (scripts/crash-test uses 20), on each backend.
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-crash").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public Task KillDuringFlood_Restart_EveryAcknowledgedMessageStoredOnce() =>
        KillDuringFloodAsync(run => Task.FromResult(Path.Combine(_directory, $"crash{run}.db")), IntegrityCheck, _ => Task.CompletedTask);

    [Fact]
    public Task KillDuringFloodOnPostgres_Restart_EveryAcknowledgedMessageStoredOnce() =>
        KillDuringFloodAsync(_ => TestPostgres.CreateDatabaseAsync(),
            url => Chatire.Storage.DatabaseMaintenance.Check(url) is { Ok: true } ? "ok" : string.Join("; ", Chatire.Storage.DatabaseMaintenance.Check(url).Problems),
            TestPostgres.DropDatabaseAsync);

    private async Task KillDuringFloodAsync(Func<int, Task<string>> database, Func<string, string> integrityCheck, Func<string, Task> drop)
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("CHATIRE_CRASH_RUNS"), out var n) ? n : 2;
        var random = new Random(4242);
        var totalAcked = 0;
        for (var run = 1; run <= runs; run++)
        {
            var db = await database(run);
            string token;
            string[] uris;
            var acked = new AckedMessages();
            await using (var server = await ChildServer.StartAsync(db))
            {
                token = await server.Api.SignUpAndLoginAsync("crasher");
                uris = [await server.Api.CreateChatAsync(token), await server.Api.CreateChatAsync(token)];
                using var stop = new CancellationTokenSource();
                var clients = new List<Task>();
                for (var c = 0; c < 4; c++)
                {
                    var api = new ApiClient(new HttpClient { BaseAddress = server.Http.BaseAddress });
                    clients.Add(acked.FloodHttpAsync(api, token, uris[c % 2], $"h{c}", stop.Token));
                    clients.Add(acked.FloodWebSocketAsync(server.WebSocketUri($"/ws/chats/{uris[c % 2]}/?v=2&token={token}"), uris[c % 2], $"w{c}", stop.Token));
                }

                await WaitUntilAsync(() => acked.Count >= 50, TimeSpan.FromSeconds(30));
                await Task.Delay(random.Next(50, 800));
                await server.KillHardAsync();
                await stop.CancelAsync();
                await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));
            }

            await using (var restarted = await ChildServer.StartAsync(db))
            {
                var check = await acked.VerifyAsync(restarted.Api, token, uris);
                var exitCode = await restarted.TerminateAsync(TimeSpan.FromSeconds(30));
                var integrity = integrityCheck(db);
                output.WriteLine($"run {run}: acknowledged {check.Acked}, found {check.Found}, lost {check.Lost}, duplicated {check.Duplicated}, ids increasing {check.IdsIncreasing}, integrity {integrity}, exit {exitCode}");
                totalAcked += check.Acked;

                Assert.True(check.Lost == 0, check.FirstProblem);
                Assert.Equal(0, check.Duplicated);
                Assert.True(check.IdsIncreasing, check.FirstProblem);
                Assert.Equal("ok", integrity);
                Assert.Equal(0, exitCode);
            }

            await drop(db);
        }

        output.WriteLine($"{runs} runs, {totalAcked} acknowledged messages, none lost");
    }

    private static string IntegrityCheck(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return Chatire.Storage.Database.Scalar<string>(connection, "PRAGMA integrity_check");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(10);
        }
    }
}
