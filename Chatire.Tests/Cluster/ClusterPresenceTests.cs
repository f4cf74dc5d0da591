using System.Diagnostics;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Realtime;

namespace Chatire.Tests.Cluster;

/// <summary>Presence, join and leave cover the whole cluster.</summary>
public sealed class ClusterPresenceTests
{
    /// <summary>Waits (at most the promised 1 s) until <paramref name="node"/> sees the user online on another node.</summary>
    private static async Task SeenElsewhereAsync(TestServer node, RealtimeFixture.Room room, string username, int nodes = 1)
    {
        var chat = node.Server.Chats.Find(room.Uri);
        var clock = Stopwatch.StartNew();
        while (node.Server.Presence!.Elsewhere(chat.Id).Count(p => p.User.Username == username) < nodes)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{username} was not seen on another node within 1 s");
            await Task.Delay(10);
        }
    }

    private static IEnumerable<string> Users(JsonNode presence) => presence["users"]!.AsArray().Select(u => u!.Text("username")).Order();

    [Fact]
    public async Task JoinAndLeave_OnNodeB_ReachSocketOnNodeAWithinOneSecond()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var room = await cluster[0].RoomAsync();
        await using var alice = await cluster[0].ConnectAsync(room.Uri, room.Owner.Token, "v=2");
        Assert.Equal(["alice"], Users(await alice.ReceiveJsonAsync()));
        await SeenElsewhereAsync(cluster[1], room, "alice");

        var clock = Stopwatch.StartNew();
        var bob = await cluster[1].ConnectAsync(room.Uri, room.Member.Token, "v=2");
        var bobPresence = await bob.ReceiveJsonAsync();
        var join = await alice.ReceiveJsonAsync(TimeSpan.FromSeconds(1));
        var joinedAfter = clock.Elapsed;

        await bob.DisposeAsync();
        clock.Restart();
        var leave = await alice.ReceiveJsonAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(["alice", "bob"], Users(bobPresence));
        Assert.Equal("join", join.Text("type"));
        Assert.Equal("bob", join["user"]!.Text("username"));
        Assert.Equal("leave", leave.Text("type"));
        Assert.Equal("bob", leave["user"]!.Text("username"));
        Assert.True(joinedAfter < TimeSpan.FromSeconds(1) && clock.Elapsed < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task UserOnTwoNodes_LeavesOnlyWhenTheLastSocketCloses()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var room = await cluster[0].RoomAsync();
        await using var alice = await cluster[0].ConnectAsync(room.Uri, room.Owner.Token, "v=2");
        await alice.ReceiveJsonAsync();
        var bobOnB = await cluster[1].ConnectAsync(room.Uri, room.Member.Token, "v=2");
        Assert.Equal("join", (await alice.ReceiveJsonAsync()).Text("type"));
        var bobOnC = await cluster[2].ConnectAsync(room.Uri, room.Member.Token, "v=2");
        await bobOnC.ReceiveJsonAsync();
        await SeenElsewhereAsync(cluster[0], room, "bob", nodes: 2);

        await bobOnB.DisposeAsync();
        await cluster[0].Api.PostMessageAsync(room.Owner.Token, room.Uri, "still here?");
        Assert.Equal("message", (await alice.ReceiveJsonAsync()).Text("type"));

        await bobOnC.DisposeAsync();
        Assert.Equal("leave", (await alice.ReceiveJsonAsync(TimeSpan.FromSeconds(1))).Text("type"));
    }

    [Fact]
    public async Task KilledNode_ItsUsersLeaveWithin15Seconds()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var room = await cluster[0].RoomAsync();
        await using var alice = await cluster[0].ConnectAsync(room.Uri, room.Owner.Token, "v=2");
        await alice.ReceiveJsonAsync();
        await using var child = await ChildServer.StartAsync(cluster[0].DatabasePath);
        var bob = await WebSocketClient.ConnectAsync(child.WebSocketUri($"/ws/chats/{room.Uri}/?v=2&token={Uri.EscapeDataString(room.Member.Token)}"));
        await bob.ReceiveJsonAsync();
        Assert.Equal("join", (await alice.ReceiveJsonAsync()).Text("type"));

        await child.KillHardAsync();
        var clock = Stopwatch.StartNew();
        var leave = await alice.ReceiveJsonAsync(TimeSpan.FromSeconds(16));

        Assert.Equal("leave", leave.Text("type"));
        Assert.Equal("bob", leave["user"]!.Text("username"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"left after {clock.Elapsed}");
    }
}
