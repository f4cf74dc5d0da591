using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Realtime;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Cluster;

/// <summary>Edits, deletes, removal, read receipts, typing and the user stream across two nodes.</summary>
public sealed class ClusterChatFeatureTests : IAsyncLifetime
{
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1.5);

    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(2, s => s with { MessageRate = 0 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // State frames that may reach a socket at any point: the join of the room's member, made on the
    // other node just before the socket opened, can arrive as a chat frame after it.
    private static readonly string[] StateFrames = ["presence", "join", "leave", "chat"];

    private TestServer A => _cluster[0];
    private TestServer B => _cluster[1];

    [Fact]
    public async Task EditAndDelete_OnNodeA_ReachV2SocketOnNodeB_InTimelineOrder_SinceOnBReplaysThem()
    {
        var room = await A.RoomAsync();
        await using var socket = await B.ConnectAsync(room.Uri, room.Member.Token, "v=2");
        await socket.NextAsync("presence");
        var id = (await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "helo"))["id"]!.GetValue<long>();

        await A.Api.PatchAsync($"/api/chats/{room.Uri}/messages/{id}/", Json(("message", "hello")), room.Owner.Token);
        await B.Api.DeleteAsync($"/api/chats/{room.Uri}/messages/{id}/", room.Owner.Token);
        var after = (await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "after"))["id"]!.GetValue<long>();

        Assert.Equal(id, (await socket.NextAsync("message", null, StateFrames))["data"]!.Long("id"));
        var edit = await socket.NextAsync("edit", null, StateFrames);
        Assert.Equal("hello", edit["data"]!.Text("message"));
        var delete = await socket.NextAsync("delete", null, StateFrames);
        Assert.True(delete.Long("seq") > edit.Long("seq"));
        Assert.Equal(after, (await socket.NextAsync("message", null, StateFrames))["data"]!.Long("id"));

        await using var replay = await B.ConnectAsync(room.Uri, room.Member.Token, $"v=2&since={id}");
        await replay.NextAsync("presence");
        Assert.Equal(["edit", "delete", "message"], [(await replay.NextAsync("edit")).Text("type"), (await replay.ReceiveJsonAsync()).Text("type"), (await replay.ReceiveJsonAsync()).Text("type")]);
    }

    [Fact]
    public async Task Removal_OnNodeA_ClosesSocketsOnNodeB4403WithinASecond_AndRequestsOnB403()
    {
        var room = await A.RoomAsync();
        await using var removed = await B.ConnectAsync(room.Uri, room.Member.Token, "v=2");
        await using var owner = await B.ConnectAsync(room.Uri, room.Owner.Token, "v=2");
        await removed.NextAsync("presence");
        await owner.NextAsync("presence");
        Assert.Equal(200, (await B.Api.GetAsync($"/api/chats/{room.Uri}/messages/", room.Member.Token)).Code); // cached as a member on B

        Assert.Equal(204, (await A.Api.DeleteAsync($"/api/chats/{room.Uri}/members/bob/", room.Owner.Token)).Code);

        Assert.Equal((WebSocketCloseStatus)4403, await removed.WaitForCloseAsync(WithinASecond));
        Assert.Equal(["alice"], (await owner.NextAsync("chat"))["data"]!["members"]!.AsArray().Select(m => m!.Text("username")));
        Assert.Equal(403, (await B.Api.PostAsync($"/api/chats/{room.Uri}/messages/", Json(("message", "still here?")), room.Member.Token)).Code);
    }

    [Fact]
    public async Task ChatDeletion_OnNodeA_ClosesSocketsOnNodeB_AndStreamOnBGetsRemoved()
    {
        var room = await A.RoomAsync();
        await using var socket = await B.ConnectAsync(room.Uri, room.Member.Token);
        await using var stream = await WebSocketClient.ConnectAsync(B.WebSocketUri("/ws/me/?token=" + Uri.EscapeDataString(room.Member.Token)));
        await stream.NextAsync("chats");

        await A.Api.DeleteAsync($"/api/chats/{room.Uri}/", room.Owner.Token);

        Assert.Equal((WebSocketCloseStatus)4403, await socket.WaitForCloseAsync(WithinASecond));
        Assert.Equal(room.Uri, (await stream.NextAsync("removed", WithinASecond, "chat")).Text("uri"));
    }

    [Fact]
    public async Task ReadAndTyping_OnNodeA_ReachNodeB()
    {
        var room = await A.RoomAsync();
        await using var watcher = await B.ConnectAsync(room.Uri, room.Owner.Token, "v=2");
        await using var reader = await A.ConnectAsync(room.Uri, room.Member.Token, "v=2");
        await watcher.NextAsync("presence");
        await reader.NextAsync("presence");

        // Both sockets have the message before the state frames start.
        var id = (await A.Api.PostMessageAsync(room.Owner.Token, room.Uri, "read me"))["id"]!.GetValue<long>();
        await watcher.NextAsync("message");
        await reader.NextAsync("message");

        await reader.SendJsonAsync(Json(("type", "typing")));
        Assert.Equal("bob", (await watcher.NextAsync("typing"))["user"]!.Text("username"));
        await reader.SendJsonAsync(Json(("type", "read"), ("up_to", id)));
        var receipt = await watcher.NextAsync("read");
        Assert.Equal(id, receipt.Long("up_to"));
    }

    [Fact]
    public async Task UserStream_OnNodeB_SeesChangesMadeThroughNodeA()
    {
        var alice = await A.CreateUserAsync("alice");
        var bob = await A.CreateUserAsync("bob");
        await using var stream = await WebSocketClient.ConnectAsync(B.WebSocketUri("/ws/me/?token=" + Uri.EscapeDataString(bob.Token)));
        Assert.Empty((await stream.NextAsync("chats"))["chats"]!.AsArray());

        var uri = await A.Api.CreateNamedChatAsync(alice.Token, "team");
        await A.Api.PatchAsync($"/api/chats/{uri}/", Json(("username", "bob")), alice.Token);
        var added = (await stream.NextAsync("chat"))["data"]!;
        Assert.Equal("team", added.Text("name"));

        var posted = (await A.Api.PostMessageAsync(alice.Token, uri, "hi bob"))["id"]!.GetValue<long>();
        JsonNode data;
        do
        {
            data = (await stream.NextAsync("chat"))["data"]!;
        }
        while (data["unread"]!.GetValue<int>() != 1);

        await A.Api.PostAsync($"/api/chats/{uri}/read/", Json(("up_to", posted)), bob.Token);
        do
        {
            data = (await stream.NextAsync("chat"))["data"]!;
        }
        while (data["unread"]!.GetValue<int>() != 0);

        Assert.Equal(posted, data["last_read"]!.GetValue<long>());
    }
}
