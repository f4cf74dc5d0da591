using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Realtime;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Cluster;

/// <summary>Three nodes on one PostgreSQL database behave as one server.</summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(3, s => s with { MessageRate = 0 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private TestServer A => _cluster[0];
    private TestServer B => _cluster[1];
    private TestServer C => _cluster[2];

    [Fact]
    public async Task Post_OnNodeA_ReachesSocketOnNodeB()
    {
        var room = await A.RoomAsync();
        await using var socket = await B.ConnectAsync(room.Uri, room.Member.Token);

        var posted = await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "hello from A");

        var frame = await socket.ReceiveJsonAsync();
        Assert.Equal("hello from A", frame.Text("message"));
        Assert.Equal(posted["id"]!.GetValue<long>(), frame.Long("id"));
        Assert.Equal("alice", frame["user"]!.Text("username"));
    }

    [Fact]
    public async Task Post_LargerThanANotification_ArrivesWhole()
    {
        var room = await A.RoomAsync();
        await using var socket = await B.ConnectAsync(room.Uri, room.Member.Token);
        var text = string.Concat(Enumerable.Repeat("\U0001F600", 2000));

        await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, text);

        Assert.Equal(text, (await socket.ReceiveJsonAsync()).Text("message"));
    }

    [Fact]
    public async Task ConcurrentPosts_FromThreeNodes_EverySocketSeesOneIncreasingSequence()
    {
        const int perNode = 300;
        var room = await A.RoomAsync();
        var sockets = new List<WebSocketClient>();
        foreach (var node in _cluster.Nodes)
        {
            sockets.Add(await node.ConnectAsync(room.Uri, room.Member.Token));
            sockets.Add(await node.ConnectAsync(room.Uri, room.Owner.Token));
        }

        var readers = sockets.Select(s => Task.Run(async () =>
        {
            var ids = new List<long>();
            while (ids.Count < perNode * 3)
            {
                ids.Add((await s.ReceiveJsonAsync(TimeSpan.FromSeconds(30))).Long("id"));
            }

            return ids;
        })).ToList();

        var posters = _cluster.Nodes.Select((node, n) => Task.Run(async () =>
        {
            var acked = new List<long>();
            for (var i = 0; i < perNode; i++)
            {
                var token = i % 2 == 0 ? room.Owner.Token : room.Member.Token;
                acked.Add((await node.Api.PostMessageAsync(token, room.Uri, $"node {n} message {i}"))["id"]!.GetValue<long>());
            }

            return acked;
        })).ToList();

        var stored = (await Task.WhenAll(posters)).SelectMany(ids => ids).Order().ToList();
        var seen = await Task.WhenAll(readers);

        Assert.Equal(perNode * 3, stored.Distinct().Count());
        foreach (var ids in seen)
        {
            Assert.Equal(stored, ids);
        }

        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task Since_OnNodeC_ReplaysWhatNodeAStored()
    {
        var room = await A.RoomAsync();
        var first = await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "one");
        await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "two");
        await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "three");

        await using var socket = await C.ConnectAsync(room.Uri, room.Member.Token, $"since={first["id"]!.GetValue<long>()}");

        Assert.Equal("two", (await socket.ReceiveJsonAsync()).Text("message"));
        Assert.Equal("three", (await socket.ReceiveJsonAsync()).Text("message"));
    }

    [Fact]
    public async Task History_OnNodeB_HasWhatNodeAJustAcknowledged()
    {
        var room = await A.RoomAsync();
        var warm = await B.Api.GetAsync($"/api/chats/{room.Uri}/messages/", room.Member.Token);
        Assert.Equal(200, warm.Code);

        await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "fresh");
        var reply = await B.Api.GetAsync($"/api/chats/{room.Uri}/messages/", room.Member.Token);

        Assert.Equal("fresh", reply.Body["messages"]!.AsArray()[^1]!.Text("message"));
    }

    [Fact]
    public async Task Logout_OnNodeA_ClosesSocketOnNodeBWithinOneSecond()
    {
        var room = await A.RoomAsync();
        await using var socket = await B.ConnectAsync(room.Uri, room.Member.Token);
        await using var other = await B.ConnectAsync(room.Uri, room.Owner.Token);

        var logout = await A.Api.PostAsync("/auth/token/logout/", null, room.Member.Token);
        var clock = Stopwatch.StartNew();
        var status = await socket.WaitForCloseAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(204, logout.Code);
        Assert.Equal((WebSocketCloseStatus)4401, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"closed after {clock.Elapsed}");
        Assert.Equal(401, (await C.Api.GetAsync("/auth/users/me/", room.Member.Token)).Code);
        Assert.Equal(WebSocketState.Open, other.Socket.State);
    }

    [Fact]
    public async Task Deactivation_ThroughNodeServices_ClosesSocketsOnEveryNode()
    {
        var room = await A.RoomAsync();
        await using var onB = await B.ConnectAsync(room.Uri, room.Member.Token);
        await using var onC = await C.ConnectAsync(room.Uri, room.Member.Token);

        await A.Server.Users.SetActiveAsync(room.Member.User.Id, false);
        await A.Server.Tokens.RevokeAllAsync(room.Member.User.Id);
        A.Server.Tokens.NotifyDeactivated(room.Member.User.Id);

        Assert.Equal((WebSocketCloseStatus)4403, await onB.WaitForCloseAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal((WebSocketCloseStatus)4403, await onC.WaitForCloseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Metrics_CountNodesAlive()
    {
        var text = await B.Http.GetStringAsync("/metrics");

        Assert.Contains("chatire_cluster_nodes 3", text, StringComparison.Ordinal);
        Assert.Contains("chatire_bus_delivery_lag_seconds_count", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_AllNodesUp_Returns200()
    {
        foreach (var node in _cluster.Nodes)
        {
            Assert.Equal(200, (await node.Api.GetAsync("/health")).Code);
        }
    }
}

/// <summary>Cluster-wide rules that need nodes of their own settings.</summary>
public sealed class ClusterLimitTests
{
    [Fact]
    public async Task FailedLogins_SpreadOverNodes_AreThrottledTogether()
    {
        await using var cluster = await TestCluster.StartAsync(3, s => s with { LoginLimitUserAddress = 6 });
        await cluster[0].CreateUserAsync("alice");
        var body = Json(("username", "alice"), ("password", "wrong-password"));

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(400, (await cluster[i % 3].Api.PostAsync("/auth/token/login/", body)).Code);
        }

        foreach (var node in cluster.Nodes)
        {
            var reply = await node.Api.PostAsync("/auth/token/login/", Json(("username", "alice"), ("password", ApiClient.DefaultPassword)));
            Assert.Equal(429, reply.Code);
            Assert.NotNull(reply.Header("Retry-After"));
        }
    }

    [Fact]
    public async Task CliDeactivate_ClosesSocketsOnEveryNode()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var room = await cluster[0].RoomAsync();
        await using var onA = await cluster[0].ConnectAsync(room.Uri, room.Member.Token);
        await using var onB = await cluster[1].ConnectAsync(room.Uri, room.Member.Token);

        var result = await CliRunner.RunAsync(["user", "deactivate", "bob", "--db", cluster[0].DatabasePath]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal((WebSocketCloseStatus)4403, await onA.WaitForCloseAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal((WebSocketCloseStatus)4403, await onB.WaitForCloseAsync(TimeSpan.FromSeconds(2)));
    }
}
