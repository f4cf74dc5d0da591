using System.Diagnostics;
using System.Net.WebSockets;
using Chatire.Tests.Foundation;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Realtime;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Cluster;

/// <summary>
/// PostgreSQL stopped under two nodes that keep posting: 503 with Retry-After while it is down, sockets
/// stay open, and after it is back every socket has every acknowledged message exactly once, in order.
/// Runs on a PostgreSQL server of its own (it is stopped and started), from scripts/test-postgres.
/// </summary>
public sealed class PostgresFaultTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatire-fault-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private string _url = null!;

    public async Task InitializeAsync()
    {
        var (code, output) = await RunAsync("start");
        Assert.True(code == 0, $"scripts/test-postgres could not start a server of its own: {output}");
        _url = output.Trim().Split('\n')[^1];
    }

    public async Task DisposeAsync() => await RunAsync("stop");

    private async Task<(int Code, string Output)> RunAsync(string action)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(ArchitectureTests.FindRepositoryRoot(), "scripts", "test-postgres"));
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(_directory);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<TimeSpan> WaitForHealthAsync(TestServer node, int status, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if ((await node.Api.GetAsync("/health")).Code == status)
            {
                return clock.Elapsed;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"/health did not answer {status} within {within}");
    }

    [Fact]
    public async Task PostgresStopped_TwoNodesPosting_503ThenEveryAckedMessageOnceInOrder()
    {
        await using var cluster = await TestCluster.StartAsync(2, s => s with { MessageRate = 0 }, database: _url);
        var room = await cluster[0].RoomAsync();
        await using var onA = await cluster[0].ConnectAsync(room.Uri, room.Member.Token);
        await using var onB = await cluster[1].ConnectAsync(room.Uri, room.Owner.Token);
        var acked = new System.Collections.Concurrent.ConcurrentBag<long>();
        var unavailable = 0;
        using var stopPosting = new CancellationTokenSource();

        var posters = cluster.Nodes.Select((node, n) => Task.Run(async () =>
        {
            for (var i = 0; !stopPosting.IsCancellationRequested; i++)
            {
                var body = Json(("message", $"node {n} #{i}"), ("client_id", $"n{n}-{i}"));
                while (true)
                {
                    Reply reply;
                    try
                    {
                        reply = await node.Api.PostAsync($"/api/chats/{room.Uri}/messages/", body, room.Owner.Token);
                    }
                    catch (HttpRequestException)
                    {
                        continue;
                    }

                    if (reply.Code == 200)
                    {
                        acked.Add(reply.Body["id"]!.GetValue<long>());
                        break;
                    }

                    Assert.Equal(503, reply.Code);
                    Assert.Equal("1", reply.Header("Retry-After"));
                    Assert.Equal("The database is unavailable; try again shortly.", reply.Body["detail"]!.GetValue<string>());
                    Interlocked.Increment(ref unavailable);
                    await Task.Delay(100);
                }
            }
        })).ToList();

        while (acked.Count < 20)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, (await RunAsync("halt")).Code);
        var down = await WaitForHealthAsync(cluster[1], 503, TimeSpan.FromSeconds(2));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, (await RunAsync("resume")).Code);
        var up = await WaitForHealthAsync(cluster[1], 200, TimeSpan.FromSeconds(4));
        var before = acked.Count;
        while (acked.Count < before + 20)
        {
            await Task.Delay(20);
        }

        await stopPosting.CancelAsync();
        await Task.WhenAll(posters);

        var expected = acked.Distinct().Order().ToList();
        Assert.Equal(acked.Count, expected.Count);
        Assert.True(unavailable > 0, "no post was refused while PostgreSQL was down");
        foreach (var socket in new[] { onA, onB })
        {
            var seen = new List<long>();
            while (seen.Count < expected.Count)
            {
                seen.Add((await socket.ReceiveJsonAsync(TimeSpan.FromSeconds(10))).Long("id"));
            }

            Assert.Equal(expected, seen);
            Assert.Equal(WebSocketState.Open, socket.Socket.State);
        }

        Assert.True(down < TimeSpan.FromSeconds(2) && up < TimeSpan.FromSeconds(4), $"503 after {down}, 200 after {up}");
    }
}
