using System.Diagnostics;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Xunit.Abstractions;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Realtime;

public class WebSocketDeliveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The storage this class runs on; a subclass runs every test on PostgreSQL.</summary>
    protected virtual TestBackend Backend => TestBackend.Sqlite;

    private TestServer _server = null!;
    private RealtimeFixture.Room _room = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0, WsPort = -1, WsAnonymous = true }, backend: Backend);
        _room = await _server.RoomAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Delivery_HttpAndSocketPosts_ReachBothMembersInOrder_AsExactMessageObjects()
    {
        await using var alice = await _server.ConnectAsync(_room.Uri, _room.Owner.Token);
        await using var bob = await _server.ConnectAsync(_room.Uri, _room.Member.Token);

        var posted = await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, "hi <bob> 👋", "c-1");
        await bob.SendJsonAsync(Json(("message", "hello alice")));

        foreach (var socket in new[] { alice, bob })
        {
            var first = await socket.ReceiveAsync();
            var second = await socket.ReceiveJsonAsync();
            var history = await _server.Api.GetAsync($"/api/chats/{_room.Uri}/messages/", _room.Owner.Token);
            Assert.Contains("[" + first.Text + ",", history.Text);
            Assert.Equal(posted.Long("id"), JsonNode.Parse(first.Text)!.Long("id"));
            Assert.Equal("hello alice", second.Text("message"));
            Assert.Equal("bob", second["user"]!.Text("username"));
            Assert.True(second.Long("id") > posted.Long("id"));
            Assert.Equal(["id", "uri", "user", "message", "created"], second.AsObject().Select(p => p.Key));
        }
    }

    [Fact]
    public async Task Delivery_ConcurrentPosters_EverySubscriberGetsAllInIdOrder()
    {
        const int Posters = 8;
        const int PerPoster = 40;
        var listeners = new List<WebSocketClient>();
        for (var i = 0; i < 3; i++)
        {
            listeners.Add(await _server.ConnectAsync(_room.Uri, i % 2 == 0 ? _room.Owner.Token : _room.Member.Token));
        }

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Posters).Select(p => Task.Run(async () =>
        {
            var token = p % 2 == 0 ? _room.Owner.Token : _room.Member.Token;
            if (p % 4 < 2)
            {
                for (var i = 0; i < PerPoster; i++)
                {
                    await _server.Api.PostMessageAsync(token, _room.Uri, $"{p}-{i}");
                }
            }
            else
            {
                await using var poster = await _server.ConnectAsync(_room.Uri, token, "v=2");
                await poster.ReceiveJsonAsync(); // presence
                for (var i = 0; i < PerPoster; i++)
                {
                    await poster.SendJsonAsync(Json(("message", $"{p}-{i}"), ("client_id", $"{p}-{i}")));
                }

                var acks = 0;
                while (acks < PerPoster)
                {
                    if ((await poster.ReceiveJsonAsync()).Text("type") == "ack")
                    {
                        acks++;
                    }
                }
            }
        })));
        var posted = stopwatch.Elapsed;

        foreach (var listener in listeners)
        {
            var ids = new List<long>();
            while (ids.Count < Posters * PerPoster)
            {
                ids.Add((await listener.ReceiveJsonAsync()).Long("id"));
            }

            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            await listener.DisposeAsync();
        }

        output.WriteLine($"{Posters * PerPoster} messages from {Posters} posters stored and fanned out to 3 sockets in {posted.TotalMilliseconds:0} ms ({Posters * PerPoster / posted.TotalSeconds:0} msg/s)");
    }

    [Fact]
    public async Task Since_ReplayWhilePostingContinues_NoGapNoDuplicate()
    {
        var first = await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, "before-0");
        for (var i = 1; i < 50; i++)
        {
            await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, $"before-{i}");
        }

        var posting = Task.Run(async () =>
        {
            for (var count = 0; count < 200; count++)
            {
                await Task.WhenAll(Enumerable.Range(0, 4).Select(j => _server.Api.PostMessageAsync(_room.Member.Token, _room.Uri, $"live-{count}-{j}")));
            }

            return 800;
        });

        var since = first.Long("id") + 9;
        var sockets = new List<WebSocketClient>();
        for (var i = 0; i < 5; i++)
        {
            sockets.Add(await _server.ConnectAsync(_room.Uri, _room.Member.Token, $"since={since}"));
        }

        var livePosted = await posting;
        var history = await _server.Api.GetAsync($"/api/chats/{_room.Uri}/messages/?limit=1000&after={since}", _room.Owner.Token);
        var expected = history.Body["messages"]!.AsArray().Select(m => m!.Long("id")).ToList();
        Assert.Equal(40 + livePosted, expected.Count);
        foreach (var socket in sockets)
        {
            var ids = new List<long>();
            while (ids.Count < expected.Count)
            {
                ids.Add((await socket.ReceiveJsonAsync()).Long("id"));
            }

            Assert.Equal(expected, ids);
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task Since_V2_PresenceComesFirstThenReplay()
    {
        var posted = await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, "old");
        await using var bob = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2&since=0");

        var presence = await bob.ReceiveJsonAsync();
        var replay = await bob.ReceiveJsonAsync();

        Assert.Equal("presence", presence.Text("type"));
        Assert.Equal(["bob"], presence["users"]!.AsArray().Select(u => u!.Text("username")));
        Assert.Equal("message", replay.Text("type"));
        Assert.Equal(posted.Long("id"), replay["data"]!.Long("id"));
    }

    [Fact]
    public async Task V2_PresenceJoinLeaveMessageAndAck()
    {
        await using var alice = await _server.ConnectAsync(_room.Uri, _room.Owner.Token, "v=2");
        Assert.Equal("""{"type":"presence","users":[{"id":1,"username":"alice","email":"","first_name":"","last_name":""}]}""", (await alice.ReceiveAsync()).Text);

        var bob = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2");
        var bobPresence = await bob.ReceiveJsonAsync();
        var join = await alice.ReceiveJsonAsync();
        await bob.SendJsonAsync(Json(("message", "hey"), ("client_id", "k1")));
        var bobMessage = await bob.ReceiveJsonAsync();
        var ack = await bob.ReceiveAsync();
        await bob.SendJsonAsync(Json(("message", "no id")));
        await bob.ReceiveJsonAsync();
        var ackWithoutId = await bob.ReceiveAsync();
        var aliceMessage = await alice.ReceiveJsonAsync();
        await alice.ReceiveJsonAsync();
        await bob.DisposeAsync();
        var leave = await alice.ReceiveJsonAsync();

        Assert.Equal(["alice", "bob"], bobPresence["users"]!.AsArray().Select(u => u!.Text("username")).Order());
        Assert.Equal("join", join.Text("type"));
        Assert.Equal("bob", join["user"]!.Text("username"));
        Assert.Equal("message", bobMessage.Text("type"));
        Assert.Equal("k1", bobMessage["data"]!.Text("client_id"));
        Assert.Equal($$"""{"type":"ack","client_id":"k1","id":{{bobMessage["data"]!.Long("id")}}}""", ack.Text);
        Assert.Contains("\"client_id\":null", ackWithoutId.Text);
        Assert.Equal(bobMessage.ToJsonString(), aliceMessage.ToJsonString());
        Assert.Equal("leave", leave.Text("type"));
        Assert.Equal("bob", leave["user"]!.Text("username"));
    }

    [Fact]
    public async Task SocketPost_SameClientIdTwice_StoredAndBroadcastOnce()
    {
        await using var alice = await _server.ConnectAsync(_room.Uri, _room.Owner.Token);
        await using var bob = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2");
        await bob.ReceiveJsonAsync();

        await bob.SendJsonAsync(Json(("message", "once"), ("client_id", "dup")));
        await bob.SendJsonAsync(Json(("message", "once"), ("client_id", "dup")));
        await bob.SendJsonAsync(Json(("message", "after")));

        // Posts from one socket are pipelined: a later message may be broadcast before an earlier
        // frame's ack, but acks come in frame order and each message is broadcast once.
        var frames = new List<JsonNode>();
        for (var i = 0; i < 5; i++)
        {
            frames.Add(await bob.ReceiveJsonAsync());
        }

        var first = await alice.ReceiveJsonAsync();
        var second = await alice.ReceiveJsonAsync();
        var acks = frames.Where(f => f.Text("type") == "ack").ToList();
        Assert.Equal(["once", "after"], frames.Where(f => f.Text("type") == "message").Select(f => f["data"]!.Text("message")));
        Assert.Equal(3, acks.Count);
        Assert.Equal(acks[0].Long("id"), acks[1].Long("id"));
        Assert.True(acks[2].Long("id") > acks[0].Long("id"));
        Assert.Equal("once", first.Text("message"));
        Assert.Equal("after", second.Text("message"));
    }

    [Fact]
    public async Task LegacyPath_OnWsPortAnonymous_DeliversV1Frames()
    {
        var port = _server.Server.WsPort!.Value;
        await using var anonymous = await WebSocketClient.ConnectAsync(_server.WebSocketUri($"/{_room.Uri}", port));
        await anonymous.SendJsonAsync(Json(("message", "anonymous cannot post")));

        var posted = await _server.Api.PostMessageAsync(_room.Member.Token, _room.Uri, "to everyone");
        var frame = await anonymous.ReceiveJsonAsync();

        Assert.Equal(posted.Long("id"), frame.Long("id"));
        Assert.Equal("to everyone", frame.Text("message"));
        Assert.Equal(404, (await WebSocketClient.TryConnectAsync(_server.WebSocketUri("/api/chats/", port))).Status);
        Assert.Single((await _server.Api.GetAsync($"/api/chats/{_room.Uri}/messages/", _room.Owner.Token)).Body["messages"]!.AsArray());
    }

    [Fact]
    public async Task Metrics_CountSocketsStoredAndDelivered()
    {
        await using var alice = await _server.ConnectAsync(_room.Uri, _room.Owner.Token);
        await using var bob = await _server.ConnectAsync(_room.Uri, _room.Member.Token);
        await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, "count me");
        await alice.ReceiveJsonAsync();
        await bob.ReceiveJsonAsync();

        Assert.Equal(2, _server.Server.Metrics.WebSocketConnections);
        Assert.Equal(1, _server.Server.Metrics.MessagesStored);
        Assert.Equal(2, _server.Server.Metrics.Deliveries);
    }
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class WebSocketDeliveryOnPostgresTests(ITestOutputHelper output) : WebSocketDeliveryTests(output)
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
